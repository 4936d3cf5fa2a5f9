import re

import pytest

from tests.demo_seed import seed_short_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, monkeypatch):
    seed_short_demo(monkeypatch)


DEMO_PASSWORD = "miqua-demo"


def sign_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(re.compile("E-Mail", re.I)).fill(email)
    page.get_by_label(re.compile("Passwort", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("Anmelden")).click()


def test_offenbach_advisor_sees_offenbach_and_nothing_of_duisburg(demo, live_server, page):
    sign_in(page, live_server.url, "advisor.offenbach@miqua.example")

    page.wait_for_url(f"{live_server.url}/")
    main = page.locator("main")
    assert "Östliche Innenstadt" in main.inner_text()
    # Fund figures in German format: the lending capacity is five times the capital.
    assert re.search(r"\d{2,3}\.\d{3},\d{2}\s€", main.inner_text())
    body = page.content()
    for foreign in ("Duisburg", "Hochfeld", "Marxloh", "Leipzig"):
        assert foreign not in body

    page.get_by_role("link", name="Östliche Innenstadt").click()
    page.wait_for_url(re.compile(r"/quarters/offenbach-oestliche-innenstadt/$"))
    assert "Sparkasse Offenbach" in page.locator("main").inner_text()

    response = page.goto(f"{live_server.url}/quarters/duisburg-hochfeld/")
    assert response is not None and response.status == 404
    assert "Hochfeld" not in page.content()
