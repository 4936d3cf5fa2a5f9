"""A committee member votes online on the demo's open written procedure; staff close it; the
minutes name the result."""

import re
from io import BytesIO

import pytest
from django_scopes import scopes_disabled
from pypdf import PdfReader

from committees.models import Ballot, BallotCase, Vote
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


def pdf_text(body: bytes) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(body)).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_member_reads_the_template_and_votes_staff_close_and_the_minutes_name_it(
    open_ballot, live_server, page
):
    base = live_server.url
    sign_in(page, base, "committee.offenbach@miqua.example")
    page.wait_for_url(f"{base}/")
    # The home page leads to the open ballot.
    page.locator(f"a[href='/ballots/{open_ballot.pk}/']").first.click()
    page.wait_for_url(f"{base}/ballots/{open_ballot.pk}/")

    # Reads the decision template of the case.
    href = page.locator("a[href$='decision-template.pdf']").first.get_attribute("href")
    template = page.context.request.get(base + href)
    assert template.status == 200
    assert "Entscheidungsvorlage" in pdf_text(template.body())

    # Votes with a comment.
    form = page.locator("form.vote-form").first
    form.locator("input[name=choice][value=approve]").check()
    form.locator("textarea[name=comment]").fill("Tragfähiges Konzept, die Rate ist gedeckt.")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/ballots/{open_ballot.pk}/"))
    with scopes_disabled():
        vote = Vote.objects.get(
            case__ballot=open_ballot, member__email="committee.offenbach@miqua.example"
        )
        assert vote.choice == Vote.Choice.APPROVE
        assert vote.comment == "Tragfähiges Konzept, die Rate ist gedeckt."

    # Staff close the ballot.
    page.context.clear_cookies()
    sign_in(page, base, "staff@kiz.example")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/ballots/{open_ballot.pk}/")
    page.locator("summary.danger").click()
    page.locator("form[action$='/close/'] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/ballots/{open_ballot.pk}/"))
    with scopes_disabled():
        case = BallotCase.objects.get(ballot=open_ballot)
        # Seeded: the chair yes, the IHK member yes with conditions; now a third yes: 3 of 5
        # take part (quorum: more than 2.5), all yes, one with conditions.
        assert case.result == BallotCase.Result.APPROVED_WITH_CONDITIONS
        assert case.application.status == Application.Status.APPROVED_WITH_CONDITIONS
        assert Ballot.objects.get(pk=open_ballot.pk).status == Ballot.Status.CLOSED

    href = page.locator("a[href$='/minutes.pdf']").first.get_attribute("href")
    minutes = page.context.request.get(base + href)
    assert minutes.status == 200
    text = pdf_text(minutes.body())
    assert "Protokoll" in text
    assert "mit Auflagen bewilligt" in text
    assert "Tragfähiges Konzept, die Rate ist gedeckt." in text
