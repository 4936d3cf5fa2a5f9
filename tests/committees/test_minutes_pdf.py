"""The minutes of a closed ballot: a German PDF that names every member, their vote and
comment, the counts and the rules behind each result, and has a line for the chair's
signature."""

import io
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from committees import pdf, services
from committees.models import Ballot, Vote
from credits import services as credit_services
from credits.models import Application

from .conftest import (
    cast,
    move_deadline_into_the_past,
    open_meeting,
    open_written,
    prepared_application,
)

C = Vote.Choice


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture
def decided(board):
    """A written procedure on two applications: one approved with conditions (one member
    recused, one silent), one without quorum."""
    kiosk = prepared_application(board.network, business_name="Kiosk am Wilhelmsplatz")
    kiosk.borrower.first_name, kiosk.borrower.last_name = "Mehmet", "Öztürk"
    kiosk.borrower.save()
    shop = prepared_application(board.network, amount="4500.00", business_name="Schneiderei")
    ballot = open_written(board, [kiosk, shop])
    first, second = (ballot.cases.get(application=a) for a in (kiosk, shop))
    chair, ordinary, jens, aylin, _markus = board.members
    services.vote_cast(case=first, member=chair, choice=C.APPROVE, comment="Guter Standort.")
    services.vote_cast(
        case=first,
        member=ordinary,
        choice=C.APPROVE_WITH_CONDITIONS,
        conditions="Auszahlung nach Vorlage der Gewerbeanmeldung.",
    )
    services.vote_cast(case=first, member=jens, choice=C.REJECT, comment="Zu viele Kioske.")
    services.case_recuse(case=first, member=aylin, reason="Kundin des Kiosks.")
    cast(second, [chair], C.ABSTAIN)
    move_deadline_into_the_past(ballot)
    services.ballot_close(ballot=ballot, actor=None)
    ballot.refresh_from_db()
    return ballot, kiosk, shop


def test_the_minutes_are_an_a4_pdf(decided):
    content = pdf.minutes_pdf(ballot=decided[0])

    assert content.startswith(b"%PDF")
    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    # A4 is 595.28 x 841.89 pt.
    assert (int(box.width), int(box.height)) == (595, 841)


def test_the_minutes_name_the_committee_the_procedure_and_who_closed_it(board, decided):
    ballot = decided[0]

    text = pdf_text(pdf.minutes_pdf(ballot=ballot))

    assert "Protokoll des Vergabeausschusses" in text
    assert board.committee.name in text
    assert "Umlaufverfahren (online)" in text
    assert "automatisch zum Fristende" in text
    assert board.staff.full_name in text  # opened by
    assert "Beteiligt haben sich 4 von 5 Mitgliedern" in text


def test_the_minutes_list_the_members_with_organisation_and_chair(board, decided):
    text = pdf_text(pdf.minutes_pdf(ballot=decided[0]))

    for member in board.members:
        assert member.full_name in text
    for organisation in ("Stadt Offenbach", "IHK Offenbach", "Jobcenter Offenbach", "GBO"):
        assert organisation in text
    assert f"{board.chair.full_name} Stadt Offenbach Vorsitz" in text
    assert f"Vorsitz: {board.chair.full_name} (Unterschrift)" in text
    assert "Ort, Datum" in text


def test_each_case_shows_the_facts_the_counts_and_the_result(decided):
    ballot, kiosk, shop = decided

    text = pdf_text(pdf.minutes_pdf(ballot=ballot))

    for application in (kiosk, shop):
        assert application.reference in text
        assert application.business_name in text
        assert application.borrower.full_name in text
    assert "Mehmet Öztürk" in text
    assert "5.000,00 €" in text
    assert "4.500,00 €" in text
    assert "Östliche Innenstadt" in text
    assert "Ergebnis: mit Auflagen bewilligt" in text
    assert "Ergebnis: nicht beschlussfähig – erneut vorzulegen" in text
    # Kiosk: 2 yes (1 with conditions), 1 no, 0 abstentions, 1 recused, 5 members, 4 eligible,
    # 3 taking part, 3 needed, quorum met.
    assert "2 1 1 0 1 5 4 3 3 ja" in text
    assert "3 von 4 stimmberechtigten Mitgliedern haben teilgenommen, mindestens 3" in text
    # Schneiderei: one abstention of five.
    assert "0 0 0 1 0 5 5 1 3 nein" in text


def test_each_members_vote_and_comment_is_on_the_minutes(board, decided):
    text = pdf_text(pdf.minutes_pdf(ballot=decided[0]))
    chair, ordinary, jens, aylin, markus = board.members

    assert f"{chair.full_name} Vorsitz Stadt Offenbach Ja Guter Standort." in text
    assert f"{ordinary.full_name}" in text
    assert "Ja, mit Auflagen Auflagen: Auszahlung nach Vorlage der Gewerbeanmeldung." in text
    assert f"{jens.full_name} IHK Offenbach Nein Zu viele Kioske." in text
    assert f"{aylin.full_name} Jobcenter Offenbach befangen – nicht stimmberechtigt" in text
    assert "Kundin des Kiosks." in text
    assert f"{markus.full_name} GBO keine Stimme" in text
    assert f"Befangenheit: {aylin.full_name} hat sich für befangen erklärt" in text
    assert "Beschlossene Auflagen Auszahlung nach Vorlage der Gewerbeanmeldung." in text


def test_the_minutes_are_german_whatever_the_language_of_the_reader(decided):
    with translation.override("en"):
        text = pdf_text(pdf.minutes_pdf(ballot=decided[0]))

    assert "Protokoll des Vergabeausschusses" in text
    assert "5.000,00 €" in text
    assert "mit Auflagen bewilligt" in text


def test_the_minutes_of_a_meeting_show_date_place_and_attendance(board):
    application = prepared_application(board.network)
    ballot = open_meeting(board, [application])
    case = ballot.cases.get()
    cast(case, board.members[:3], C.APPROVE)
    services.ballot_set_attendance(ballot=ballot, attendees=board.members[:4], actor=board.staff)
    services.ballot_close(ballot=ballot, actor=board.chair)

    text = pdf_text(pdf.minutes_pdf(ballot=ballot))

    # The labels of the head are set in capitals.
    assert "SITZUNG AM" in text
    assert "ORT Rathaus Offenbach, Raum 214" in text
    assert "ANWESEND 4 von 5 Mitgliedern" in text
    assert text.count(" anwesend ") == 4
    assert f"{board.members[4].full_name} GBO Mitglied abwesend" in text
    assert f"GESCHLOSSEN VON {board.chair.full_name}" in text
    assert "Ergebnis: bewilligt" in text


def test_only_a_closed_ballot_has_minutes(board):
    ballot = open_written(board, [prepared_application(board.network)])

    with pytest.raises(ValueError):
        pdf.minutes_pdf(ballot=ballot)
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.OPEN


def test_the_file_name_says_what_it_is(decided):
    name = pdf.minutes_filename(decided[0])

    assert re.fullmatch(r"Protokoll-Vergabeausschuss-\d+-\d{4}-\d{2}-\d{2}\.pdf", name)


def test_the_minutes_say_when_a_result_was_not_carried_out(board):
    application = prepared_application(board.network)
    ballot = open_written(board, [application])
    cast(ballot.cases.get(), board.members[:3], C.APPROVE)
    credit_services.application_transition(
        application=application,
        name="withdraw",
        actor=board.network.advisor,
        outcome=Application.Outcome.GUARANTOR_LENT,
    )
    services.ballot_close(ballot=ballot, actor=board.staff)

    text = pdf_text(pdf.minutes_pdf(ballot=ballot))

    assert "Ergebnis: bewilligt" in text
    assert "Nicht ausgeführt: Der Antrag stand beim Abschluss nicht mehr vor dem Ausschuss" in text
    assert "(Stand: zurückgezogen)" in text
