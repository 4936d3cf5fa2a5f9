"""The pages fit the screens people use: the application list is readable on a phone (375 px:
amount and status in view, nothing to scroll sideways) and the staff's menu fits one row on a
laptop (1366 px), in both languages."""

import re

import pytest

from tests.demo_seed import seed_short_demo

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "miqua-demo"


@pytest.fixture
def demo(transactional_db, monkeypatch):
    seed_short_demo(monkeypatch)


def _page(chromium, width: int, height: int, locale: str = "de-DE"):
    context = chromium.new_context(
        viewport={"width": width, "height": height}, locale=locale, timezone_id="Europe/Berlin"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(re.compile("E-Mail", re.I)).fill(email)
    page.get_by_label(re.compile("Passwort", re.I)).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Anmelden")).click()
    page.wait_for_url(f"{base_url}/")


@pytest.mark.parametrize(
    "email", ["staff@kiz.example", "advisor.offenbach@miqua.example"], ids=["staff", "advisor"]
)
def test_the_application_list_is_readable_on_a_phone(demo, live_server, chromium, email):
    context, page = _page(chromium, 375, 812)
    try:
        _sign_in(page, live_server.url, email)
        page.goto(f"{live_server.url}/applications/")

        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        rows = page.locator("table.stack tbody tr")
        assert rows.count() > 0
        for i in range(rows.count()):
            row = rows.nth(i)
            for cell in ("td.cell-figure", "td.cell-status", "td.cell-title", "td.cell-key"):
                box = row.locator(cell).bounding_box()
                assert box is not None and box["width"] > 0, cell
                assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (cell, box)
        # The amount stands in the first lines of its row, beside the person, not off to the side.
        first = rows.nth(0)
        title = first.locator("td.cell-title").bounding_box()
        figure = first.locator("td.cell-figure").bounding_box()
        assert abs(title["y"] - figure["y"]) < 5
        assert re.search(r"\d,\d{2}\s€", first.locator("td.cell-figure").inner_text())
    finally:
        context.close()


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_staff_menu_fits_one_row_at_1366_px(demo, live_server, chromium, language):
    context, page = _page(chromium, 1366, 768)
    try:
        _sign_in(page, live_server.url, "staff@kiz.example")
        if language == "en":
            page.select_option("#language-select", "en")
            page.wait_for_load_state("networkidle")
        header = page.locator(".site-header .inner").bounding_box()
        nav = page.locator(".main-nav").bounding_box()
        menu = page.locator(".user-menu").bounding_box()
        links = page.locator(".main-nav a")

        assert links.count() == 6  # with "Kredite" (the loans)
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, "the menu wraps"
        # Brand, menu and user menu side by side: one row of the header.
        assert abs(nav["y"] - menu["y"]) < 10
        assert header["height"] < 70
    finally:
        context.close()
