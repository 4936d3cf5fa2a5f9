"""Only the committee decides: staff find no way to approve an application while its ballot is
open; a ballot closed without quorum shows on the application and waits in the staff's work."""

import re

import pytest
from django_scopes import scopes_disabled

from committees.models import Ballot, BallotCase
from credits.models import Application
from tests.demo_seed import seed_short_demo

from .test_advisor_sees_own_quarter import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def open_ballot(transactional_db, settings, tmp_path, monkeypatch) -> Ballot:
    settings.MEDIA_ROOT = tmp_path
    seed_short_demo(monkeypatch)
    with scopes_disabled():
        return Ballot.objects.get(
            status=Ballot.Status.OPEN, committee__quarter__slug="offenbach-oestliche-innenstadt"
        )


def test_staff_cannot_approve_before_the_close_and_see_a_ballot_without_quorum(
    open_ballot, live_server, page
):
    base = live_server.url
    with scopes_disabled():
        application = open_ballot.cases.get().application
    sign_in(page, base, "staff@kiz.example")
    page.wait_for_url(f"{base}/")

    # Before the committee, with its ballot open: no step of the committee's is offered.
    page.goto(f"{base}/applications/{application.pk}/")
    assert page.locator("form[action*='/steps/approve']").count() == 0
    assert page.locator("form[action*='/steps/present']").count() == 0
    assert page.locator("#committee").get_by_text(open_ballot.title).count() == 1

    # The close shows what the rules would decide: two of five voted, no quorum.
    page.goto(f"{base}/ballots/{open_ballot.pk}/")
    page.locator("summary.danger").click()
    preview = page.locator(".close-preview")
    assert "Nicht beschlussfähig" in preview.inner_text()
    assert "2 von 5 stimmberechtigten Mitgliedern" in preview.inner_text()
    page.locator("form[action$='/close/'] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/ballots/{open_ballot.pk}/"))
    with scopes_disabled():
        case = BallotCase.objects.get(ballot=open_ballot)
        assert case.result == BallotCase.Result.NO_QUORUM
        assert case.application.status == Application.Status.BEFORE_COMMITTEE

    # The application says so, in its history too ...
    page.goto(f"{base}/applications/{application.pk}/")
    notice = page.locator("#committee .notice.warning")
    assert notice.count() == 1
    assert "2" in notice.inner_text()
    assert page.locator("#history").get_by_text("Kein Beschluss").count() >= 1
    page.screenshot(path="test-results/application-without-quorum.png", full_page=True)

    # ... and it waits on the staff's home, with the way to a new ballot.
    page.goto(f"{base}/")
    waiting = page.locator("#without-quorum")
    assert application.reference in waiting.inner_text()
    waiting.locator("a[href*='/ballots/new/?committee=']").first.click()
    page.wait_for_url(re.compile(r"/ballots/new/\?committee="))
    assert page.locator(f"input[name=applications][value='{application.pk}']").count() == 1
