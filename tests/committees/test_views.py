"""The committee's pages: the list, putting applications before a committee, the ballot page
with its votes, recusals, attendance and close, the minutes, and the member's home.

Three members sit on the own quarter's committee (the chair, the network's member and a
colleague); an outsider sits on the foreign quarter's committee and must never see the ballot
or its papers. Wording is not asserted (translations come later): status codes, the database,
the context and the names and values on the page are.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from committees import services
from committees.models import Ballot, BallotCase, Committee, Vote
from credits.models import Application, ApplicationDocument
from miqua.accounts.models import Role, User
from tests import factories
from tests.clients import client_for
from tests.conftest import Network

C = Vote.Choice
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@dataclass
class Setup:
    network: Network
    committee: Committee
    chair: User
    member: User  # the network's committee member, not the chair
    colleague: User
    outsider: User  # sits on the foreign quarter's committee
    staff: User
    application: Application
    document: ApplicationDocument
    ballot: Ballot
    case: BallotCase


def _prepared(network: Network, business_name: str = "Kiosk am Markt") -> Application:
    application = factories.ApplicationFactory(
        quarter=network.own_quarter,
        advisor=network.advisor,
        status=Application.Status.PREPARED,
        business_name=business_name,
        staff_assessment="Tragfähiges Konzept, Umsatz belegt.",
        recommendation="Bewilligung von 5.000 € über 24 Monate.",
    )
    factories.GuaranteeFactory(application=application)
    factories.GuaranteeFactory(application=application)
    return application


def _member(committee: Committee, name: str, organisation: str, **kwargs: object) -> User:
    user = factories.UserFactory(
        role=Role.COMMITTEE_MEMBER,
        full_name=name,
        organisation=factories.OrganisationFactory(name=organisation),
    )
    factories.CommitteeMembershipFactory(
        committee=committee, member=user, organisation=user.organisation, **kwargs
    )
    return user


@pytest.fixture
def setup(network) -> Setup:
    with scopes_disabled():
        committee = Committee.objects.get(quarter=network.own_quarter)
        chair = _member(committee, "Petra Lange", "Stadt Offenbach", is_chair=True)
        colleague = _member(committee, "Jens Hoffmann", "IHK Offenbach")
        foreign_committee = factories.CommitteeFactory(quarter=network.foreign_quarter)
        outsider = _member(foreign_committee, "Dieter Fremd", "Sparkasse Duisburg")
        application = _prepared(network)
        document = ApplicationDocument(
            application=application,
            quarter=application.quarter,
            kind=ApplicationDocument.Kind.BANK_STATEMENT,
            original_name="Kontoauszug März.pdf",
            content_type="application/pdf",
            size=len(TINY_PDF),
            uploaded_by=network.advisor,
        )
        document.file.save("Kontoauszug März.pdf", ContentFile(TINY_PDF), save=True)
        ballot = services.ballot_open(
            committee=committee,
            kind=Ballot.Kind.WRITTEN,
            title="Umlaufverfahren März",
            applications=[application],
            actor=network.staff,
            deadline=timezone.now() + datetime.timedelta(days=3),
        )
        return Setup(
            network=network,
            committee=committee,
            chair=chair,
            member=network.committee_member,
            colleague=colleague,
            outsider=outsider,
            staff=network.staff,
            application=application,
            document=document,
            ballot=ballot,
            case=ballot.cases.get(),
        )


def detail_url(s: Setup) -> str:
    return reverse("ballot_detail", args=[s.ballot.pk])


def vote_url(s: Setup) -> str:
    return reverse("vote_cast", args=[s.ballot.pk, s.case.pk])


def recuse_url(s: Setup) -> str:
    return reverse("case_recuse", args=[s.ballot.pk, s.case.pk])


# The close decides for good: the page asks for this confirmation after its preview.
CONFIRM = {"confirm": "yes"}


def close_url(s: Setup) -> str:
    return reverse("ballot_close", args=[s.ballot.pk])


def minutes_url(s: Setup) -> str:
    return reverse("ballot_minutes_pdf", args=[s.ballot.pk])


def votes_of(case: BallotCase) -> list[Vote]:
    with scopes_disabled():
        return list(Vote.objects.filter(case=case).order_by("member__full_name"))


def vote_of(case: BallotCase, member: User) -> Vote | None:
    with scopes_disabled():
        return Vote.objects.filter(case=case, member=member).first()


def cast(s: Setup, member: User, choice: str = C.APPROVE, **kwargs: str) -> None:
    with scopes_disabled():
        services.vote_cast(case=s.case, member=member, choice=choice, **kwargs)


def close(s: Setup) -> None:
    with scopes_disabled():
        services.ballot_close(ballot=s.ballot, actor=s.staff)


def fresh_ballot(s: Setup) -> Ballot:
    with scopes_disabled():
        return Ballot.objects.get(pk=s.ballot.pk)


def fresh_application(s: Setup) -> Application:
    with scopes_disabled():
        return Application.objects.get(pk=s.application.pk)


# --- Reading the ballot and its papers ----------------------------------------------------------


def test_member_opens_the_ballot_and_reads_the_papers_of_its_case(setup):
    client = client_for(setup.member)
    response = client.get(detail_url(setup))

    assert response.status_code == 200
    content = response.content.decode()
    assert setup.application.reference in content
    assert setup.application.borrower.full_name in content
    assert "Kiosk am Markt" in content
    assert "5.000,00\u00a0€" in content
    pdf_url = reverse("decision_template_pdf", args=[setup.application.pk])
    document_url = reverse("document_download", args=[setup.application.pk, setup.document.pk])
    assert pdf_url in content
    assert document_url in content
    # Every member of the ballot's day is listed, with their organisation.
    for name in ("Petra Lange", "Jens Hoffmann", "Stadt Offenbach", "IHK Offenbach"):
        assert name in content
    row = response.context["cases"][0]
    assert row.vote_form is not None and row.recuse_form is not None

    pdf = client.get(pdf_url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    download = client.get(document_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TINY_PDF


def test_a_member_of_another_committee_reaches_nothing_of_the_ballot(setup):
    client = client_for(setup.outsider)
    borrower = setup.application.borrower.last_name.encode()
    gets = [
        detail_url(setup),
        reverse("decision_template_pdf", args=[setup.application.pk]),
        reverse("document_download", args=[setup.application.pk, setup.document.pk]),
        minutes_url(setup),
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 404, url
        assert borrower not in response.content
    for url, data in (
        (vote_url(setup), {"choice": C.APPROVE, "comment": "Von außen"}),
        (recuse_url(setup), {"reason": "Von außen"}),
        (close_url(setup), CONFIRM),
    ):
        assert client.post(url, data).status_code == 404, url
    assert votes_of(setup.case) == []
    assert fresh_ballot(setup).status == Ballot.Status.OPEN
    # Nor does the list show it.
    listing = client.get(reverse("ballot_list"))
    assert listing.status_code == 200
    assert b"Umlaufverfahren M" not in listing.content


def test_a_ballot_case_of_another_ballot_answers_404(setup):
    with scopes_disabled():
        other = services.ballot_open(
            committee=setup.committee,
            kind=Ballot.Kind.WRITTEN,
            title="Zweites Verfahren",
            applications=[_prepared(setup.network, "Bäckerei")],
            actor=setup.staff,
            deadline=timezone.now() + datetime.timedelta(days=3),
        )
        other_case = other.cases.get()
    url = reverse("vote_cast", args=[setup.ballot.pk, other_case.pk])
    assert client_for(setup.member).post(url, {"choice": C.APPROVE}).status_code == 404
    assert votes_of(other_case) == []


@pytest.mark.parametrize("role", ["advisor", "municipality_viewer"])
def test_other_roles_get_no_committee_pages(setup, role):
    client = client_for(setup.network.users_by_role()[role])
    assert client.get(reverse("ballot_list")).status_code == 403
    assert client.get(detail_url(setup)).status_code == 404
    assert client.post(vote_url(setup), {"choice": C.APPROVE}).status_code == 404


def test_staff_cannot_vote(setup):
    response = client_for(setup.staff).post(vote_url(setup), {"choice": C.APPROVE})
    assert response.status_code == 404
    assert votes_of(setup.case) == []


# --- Voting ---------------------------------------------------------------------------------


def test_voting_with_a_comment_through_the_page_records_the_vote(setup):
    client = client_for(setup.member)
    response = client.post(
        vote_url(setup), {"choice": C.APPROVE, "comment": "Solide Planung, gute Bürgen."}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(setup)}#case-{setup.case.pk}"
    vote = vote_of(setup.case, setup.member)
    assert vote is not None
    assert vote.choice == C.APPROVE
    assert vote.comment == "Solide Planung, gute Bürgen."
    page = client.get(response["Location"])
    assert setup.application.reference in " ".join(str(m) for m in page.context["messages"])
    # The form shows the vote cast, to be changed.
    form = page.context["cases"][0].vote_form
    assert form.initial["choice"] == C.APPROVE
    assert form.initial["comment"] == "Solide Planung, gute Bürgen."


def test_changing_the_vote_before_the_close_keeps_one_vote(setup):
    client = client_for(setup.member)
    client.post(vote_url(setup), {"choice": C.APPROVE})
    response = client.post(
        vote_url(setup),
        {
            "choice": C.APPROVE_WITH_CONDITIONS,
            "conditions": "Gewerbeanmeldung vor der Auszahlung.",
            "comment": "Nur mit Nachweis.",
        },
    )

    assert response.status_code == 302
    votes = votes_of(setup.case)
    assert len(votes) == 1
    assert votes[0].choice == C.APPROVE_WITH_CONDITIONS
    assert votes[0].conditions == "Gewerbeanmeldung vor der Auszahlung."


def test_approval_with_conditions_needs_them_and_keeps_what_was_typed(setup):
    response = client_for(setup.member).post(
        vote_url(setup),
        {"choice": C.APPROVE_WITH_CONDITIONS, "conditions": " ", "comment": "Mein Kommentar 4711"},
    )

    assert response.status_code == 400
    assert votes_of(setup.case) == []
    form = response.context["cases"][0].vote_form
    assert "conditions" in form.errors
    content = response.content.decode()
    assert "Mein Kommentar 4711" in content
    assert (
        f'value="approve_with_conditions" id="case-{setup.case.pk}-choice_1" required checked'
        in (content)
    )


def test_a_vote_without_a_choice_answers_400(setup):
    response = client_for(setup.member).post(vote_url(setup), {"comment": "Vergessen"})
    assert response.status_code == 400
    assert "choice" in response.context["cases"][0].vote_form.errors
    assert "Vergessen" in response.content.decode()
    assert votes_of(setup.case) == []


def test_after_the_close_the_vote_url_answers_400_and_nothing_changes(setup):
    cast(setup, setup.member, C.APPROVE, comment="Vorher")
    close(setup)

    response = client_for(setup.member).post(
        vote_url(setup), {"choice": C.REJECT, "comment": "Nachher"}
    )

    assert response.status_code == 400
    row = response.context["cases"][0]
    assert row.vote_form is None
    assert row.errors  # the service's message stands at the case
    assert row.errors[0] in response.content.decode()
    vote = vote_of(setup.case, setup.member)
    assert (vote.choice, vote.comment) == (C.APPROVE, "Vorher")


def test_after_the_deadline_no_vote_form_and_the_vote_is_refused(setup):
    with scopes_disabled():
        Ballot.objects.filter(pk=setup.ballot.pk).update(
            deadline=timezone.now() - datetime.timedelta(minutes=1)
        )
    client = client_for(setup.member)
    page = client.get(detail_url(setup))
    assert page.status_code == 200
    assert page.context["deadline_passed"] is True
    assert page.context["cases"][0].vote_form is None

    response = client.post(vote_url(setup), {"choice": C.APPROVE})
    assert response.status_code == 400
    assert response.context["cases"][0].errors
    assert votes_of(setup.case) == []


def test_a_declared_conflict_of_interest_replaces_the_vote_form(setup):
    client = client_for(setup.member)
    cast(setup, setup.member, C.APPROVE)
    response = client.post(recuse_url(setup), {"reason": "Der Antragsteller ist mein Nachbar."})

    assert response.status_code == 302
    vote = vote_of(setup.case, setup.member)
    assert vote.choice == C.RECUSED
    assert vote.comment == "Der Antragsteller ist mein Nachbar."
    row = client.get(detail_url(setup)).context["cases"][0]
    assert row.recused
    assert row.vote_form is None and row.recuse_form is None

    refused = client.post(vote_url(setup), {"choice": C.APPROVE})
    assert refused.status_code == 400
    assert refused.context["cases"][0].errors
    assert vote_of(setup.case, setup.member).choice == C.RECUSED


# --- Who has voted, not how ---------------------------------------------------------------------


def test_members_see_who_has_voted_but_not_how_until_the_close(setup):
    cast(setup, setup.colleague, C.REJECT, comment="Umsatzplanung unklar 0815")
    client = client_for(setup.member)

    page = client.get(detail_url(setup))
    content = page.content.decode()
    assert "Umsatzplanung unklar 0815" not in content
    assert "vote-label vote-reject" not in content
    assert str(C.REJECT.label) not in content.split('class="member-grid"')[1]
    by_name = {r.membership.member.full_name: r for r in page.context["member_rows"]}
    assert by_name["Jens Hoffmann"].cells[0] is not None  # a tick
    assert by_name["Petra Lange"].cells[0] is None
    assert page.context["members_done"] == 1

    # Staff do not see how either.
    staff_content = client_for(setup.staff).get(detail_url(setup)).content.decode()
    assert "Umsatzplanung unklar 0815" not in staff_content
    assert "vote-label vote-reject" not in staff_content

    close(setup)
    content = client.get(detail_url(setup)).content.decode()
    assert "Umsatzplanung unklar 0815" in content
    assert "vote-label vote-reject" in content


def test_after_the_close_the_result_counts_and_conditions_are_shown(setup):
    cast(setup, setup.chair, C.APPROVE_WITH_CONDITIONS, conditions="Kassenbuch monatlich 42")
    cast(setup, setup.member, C.APPROVE)
    cast(setup, setup.colleague, C.ABSTAIN)
    close(setup)

    page = client_for(setup.member).get(detail_url(setup))

    assert page.status_code == 200
    row = page.context["cases"][0]
    assert row.case.result == BallotCase.Result.APPROVED_WITH_CONDITIONS
    assert row.case.reasoning["yes"] == 2
    assert row.case.reasoning["abstain"] == 1
    assert row.case.reasoning["quorum_met"] is True
    assert [(m.member.full_name, v.choice if v else None) for m, v in row.member_votes] == [
        ("Petra Lange", C.APPROVE_WITH_CONDITIONS),
        *sorted(
            [("Jens Hoffmann", C.ABSTAIN), (setup.member.full_name, C.APPROVE)],
        ),
    ]
    content = page.content.decode()
    assert "Kassenbuch monatlich 42" in content
    assert "result-approved_with_conditions" in content
    assert page.context["cases"][0].vote_form is None


# --- Closing ------------------------------------------------------------------------------------


def test_staff_close_the_ballot_and_the_applications_get_their_decision(setup):
    for member in (setup.chair, setup.member):
        cast(setup, member, C.APPROVE)

    response = client_for(setup.staff).post(close_url(setup), CONFIRM)

    assert response.status_code == 302
    assert response["Location"] == detail_url(setup)
    ballot = fresh_ballot(setup)
    assert ballot.status == Ballot.Status.CLOSED
    assert ballot.closed_by == setup.staff
    assert fresh_application(setup).status == Application.Status.APPROVED


def test_a_rejection_by_the_committee_rejects_the_application(setup):
    for member in (setup.chair, setup.member, setup.colleague):
        cast(setup, member, C.REJECT)
    client_for(setup.staff).post(close_url(setup), CONFIRM)
    assert fresh_application(setup).status == Application.Status.REJECTED


def test_the_chair_can_close_an_ordinary_member_cannot(setup):
    member = client_for(setup.member)
    assert member.get(detail_url(setup)).context["can_close"] is False
    assert member.post(close_url(setup), CONFIRM).status_code == 403
    assert fresh_ballot(setup).status == Ballot.Status.OPEN

    chair = client_for(setup.chair)
    assert chair.get(detail_url(setup)).context["can_close"] is True
    assert chair.post(close_url(setup), CONFIRM).status_code == 302
    ballot = fresh_ballot(setup)
    assert ballot.status == Ballot.Status.CLOSED
    assert ballot.closed_by == setup.chair


def test_closing_twice_changes_nothing(setup):
    client = client_for(setup.staff)
    client.post(close_url(setup), CONFIRM)
    closed_at = fresh_ballot(setup).closed_at
    assert client.post(close_url(setup), CONFIRM).status_code == 302
    assert fresh_ballot(setup).closed_at == closed_at


def test_closing_needs_a_post(setup):
    assert client_for(setup.staff).get(close_url(setup)).status_code == 405
    assert fresh_ballot(setup).status == Ballot.Status.OPEN


# --- The minutes --------------------------------------------------------------------------------


def test_the_minutes_exist_only_after_the_close(setup):
    client = client_for(setup.member)
    assert minutes_url(setup) not in client.get(detail_url(setup)).content.decode()
    assert client.get(minutes_url(setup)).status_code == 404

    cast(setup, setup.member, C.APPROVE)
    close(setup)

    assert minutes_url(setup) in client.get(detail_url(setup)).content.decode()
    response = client.get(minutes_url(setup))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("inline")
    assert "Protokoll-" in response["Content-Disposition"]
    assert str(setup.ballot.pk) in response["Content-Disposition"]


# --- Putting applications before a committee ---------------------------------------------------


def test_staff_put_applications_before_a_committee_in_a_written_procedure(setup):
    with scopes_disabled():
        application = _prepared(setup.network, "Änderungsschneiderei Yılmaz")
    client = client_for(setup.staff)

    choose = client.get(reverse("ballot_create"))
    assert choose.status_code == 200
    assert setup.committee.name in choose.content.decode()

    url = reverse("ballot_create") + f"?committee={setup.committee.pk}"
    form_page = client.get(url)
    assert form_page.status_code == 200
    content = form_page.content.decode()
    assert application.reference in content
    assert application.borrower.full_name in content
    assert "Änderungsschneiderei Yılmaz" in content
    # The application already on the open ballot is not offered again.
    assert setup.application.reference not in content

    deadline = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        reverse("ballot_create"),
        {
            "committee": setup.committee.pk,
            "applications": [application.pk],
            "kind": Ballot.Kind.WRITTEN,
            "deadline_date": deadline.isoformat(),
            "deadline_time": "18:00",
            "title": "",
        },
    )

    assert response.status_code == 302
    with scopes_disabled():
        ballot = Ballot.objects.exclude(pk=setup.ballot.pk).get()
        assert [c.application_id for c in ballot.cases.all()] == [application.pk]
    assert response["Location"] == reverse("ballot_detail", args=[ballot.pk])
    assert ballot.kind == Ballot.Kind.WRITTEN
    assert ballot.committee == setup.committee
    assert timezone.localtime(ballot.deadline).date() == deadline
    assert timezone.localtime(ballot.deadline).time() == datetime.time(18, 0)
    assert ballot.meeting_on is None
    # The default title names the committee and the day.
    assert setup.committee.name in ballot.title
    assert deadline.strftime("%d.%m.%Y") in ballot.title
    with scopes_disabled():
        assert Application.objects.get(pk=application.pk).status == "before_committee"


def test_staff_open_a_meeting_with_its_place_and_title(setup):
    with scopes_disabled():
        application = _prepared(setup.network, "Imbiss")
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = client_for(setup.staff).post(
        reverse("ballot_create"),
        {
            "committee": setup.committee.pk,
            "applications": [application.pk],
            "kind": Ballot.Kind.MEETING,
            "meeting_date": day.isoformat(),
            "meeting_time": "17:30",
            "location": "Rathaus, Raum 214",
            "title": "Sitzung im Juni",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        ballot = Ballot.objects.get(title="Sitzung im Juni")
    assert ballot.kind == Ballot.Kind.MEETING
    assert ballot.location == "Rathaus, Raum 214"
    assert timezone.localtime(ballot.meeting_on).date() == day
    assert ballot.deadline is None


def test_creating_a_ballot_with_errors_keeps_everything_typed(setup):
    with scopes_disabled():
        application = _prepared(setup.network, "Imbiss")
    client = client_for(setup.staff)
    data = {
        "committee": setup.committee.pk,
        "applications": [application.pk],
        "kind": Ballot.Kind.WRITTEN,
        "deadline_date": "",
        "deadline_time": "18:00",
        "location": "Quartiersbüro Nord",
        "title": "Mein Titel 123",
    }
    response = client.post(reverse("ballot_create"), data)

    assert response.status_code == 400
    form = response.context["form"]
    assert "deadline_date" in form.errors
    content = response.content.decode()
    assert "Mein Titel 123" in content
    assert "Quartiersbüro Nord" in content
    assert f'value="{application.pk}" id="application-{application.pk}" checked' in content
    with scopes_disabled():
        assert Ballot.objects.count() == 1

    # A deadline in the past: the service's message stands at the deadline.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(reverse("ballot_create"), {**data, "deadline_date": yesterday})
    assert response.status_code == 400
    assert "deadline_date" in response.context["form"].errors
    assert "Mein Titel 123" in response.content.decode()

    # No application chosen.
    response = client.post(
        reverse("ballot_create"),
        {**data, "applications": [], "deadline_date": timezone.localdate() + datetime.timedelta(1)},
    )
    assert response.status_code == 400
    assert "applications" in response.context["form"].errors
    with scopes_disabled():
        assert Ballot.objects.count() == 1
        assert Application.objects.get(pk=application.pk).status == Application.Status.PREPARED


def test_a_meeting_needs_its_date(setup):
    with scopes_disabled():
        application = _prepared(setup.network, "Imbiss")
    response = client_for(setup.staff).post(
        reverse("ballot_create"),
        {
            "committee": setup.committee.pk,
            "applications": [application.pk],
            "kind": Ballot.Kind.MEETING,
            "meeting_date": "",
            "meeting_time": "17:00",
        },
    )
    assert response.status_code == 400
    assert "meeting_date" in response.context["form"].errors


def test_only_staff_put_applications_before_a_committee(setup):
    for user in (setup.member, setup.chair, setup.network.advisor):
        assert client_for(user).get(reverse("ballot_create")).status_code == 403


def test_an_unknown_committee_answers_404(setup):
    client = client_for(setup.staff)
    assert client.get(reverse("ballot_create") + "?committee=999999").status_code == 404
    assert client.get(reverse("ballot_create") + "?committee=abc").status_code == 404


# --- Attendance of a meeting ----------------------------------------------------------------------


def test_staff_record_the_attendance_of_a_meeting(setup):
    with scopes_disabled():
        meeting = services.ballot_open(
            committee=setup.committee,
            kind=Ballot.Kind.MEETING,
            title="Sitzung",
            applications=[_prepared(setup.network, "Imbiss")],
            actor=setup.staff,
            meeting_on=timezone.now(),
            location="Rathaus",
        )
    client = client_for(setup.staff)
    page = client.get(reverse("ballot_detail", args=[meeting.pk]))
    assert page.context["attendance_form"] is not None

    response = client.post(
        reverse("ballot_attendance", args=[meeting.pk]),
        {"attendees": [setup.chair.pk, setup.colleague.pk]},
    )
    assert response.status_code == 302
    assert set(meeting.attendees.values_list("pk", flat=True)) == {
        setup.chair.pk,
        setup.colleague.pk,
    }

    # Someone who is not a member cannot be present.
    response = client.post(
        reverse("ballot_attendance", args=[meeting.pk]), {"attendees": [setup.outsider.pk]}
    )
    assert response.status_code == 400
    assert "attendees" in response.context["attendance_form"].errors

    # Members do not record attendance.
    assert (
        client_for(setup.chair)
        .post(reverse("ballot_attendance", args=[meeting.pk]), {"attendees": []})
        .status_code
        == 403
    )


# --- The list, the home page and the menu ---------------------------------------------------------


def test_the_member_sees_their_ballots_with_their_progress(setup):
    client = client_for(setup.member)
    response = client.get(reverse("ballot_list"))
    assert response.status_code == 200
    [ballot] = response.context["open_ballots"]
    assert ballot.pk == setup.ballot.pk
    assert (ballot.case_count, ballot.done_count, ballot.may_vote) == (1, 0, True)
    assert "Umlaufverfahren März" in response.content.decode()
    assert reverse("ballot_create") not in response.content.decode()

    cast(setup, setup.member)
    [ballot] = client.get(reverse("ballot_list")).context["open_ballots"]
    assert ballot.done_count == 1

    close(setup)
    response = client.get(reverse("ballot_list"))
    assert response.context["open_ballots"] == []
    assert [b.pk for b in response.context["closed_ballots"]] == [setup.ballot.pk]
    assert minutes_url(setup) in response.content.decode()


def test_staff_see_every_ballot_and_filter_by_committee(setup):
    with scopes_disabled():
        foreign_committee = Committee.objects.get(quarter=setup.network.foreign_quarter)
    client = client_for(setup.staff)
    response = client.get(reverse("ballot_list"))
    assert [b.pk for b in response.context["open_ballots"]] == [setup.ballot.pk]
    assert reverse("ballot_create") in response.content.decode()

    response = client.get(reverse("ballot_list"), {"committee": foreign_committee.pk})
    assert response.context["open_ballots"] == []
    assert response.context["is_filtered"] is True


def test_an_empty_list_says_so(network):
    response = client_for(network.committee_member).get(reverse("ballot_list"))
    assert response.status_code == 200
    assert response.context["open_ballots"] == []
    assert list(response.context["closed_ballots"]) == []


def test_the_members_home_lists_what_is_still_to_vote(setup):
    client = client_for(setup.member)
    content = client.get(reverse("home")).content.decode()
    assert "Umlaufverfahren März" in content
    assert setup.application.reference in content
    assert f"#case-{setup.case.pk}" in content

    cast(setup, setup.member)
    content = client.get(reverse("home")).content.decode()
    assert "Umlaufverfahren März" in content
    assert f"#case-{setup.case.pk}" not in content

    close(setup)
    content = client.get(reverse("home")).content.decode()
    assert "Umlaufverfahren März" not in content


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("committee_member", True),
        ("staff", True),
        ("administrator", True),
        ("advisor", False),
        ("municipality_viewer", False),
    ],
)
def test_the_menu_shows_committee_votes_to_those_who_may_open_them(network, role, shown):
    response = client_for(network.users_by_role()[role]).get(reverse("home"))
    urls = [item["url"] for item in response.context["nav_items"]]
    assert (reverse("ballot_list") in urls) is shown
