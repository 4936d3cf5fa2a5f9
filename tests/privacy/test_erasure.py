"""The erasure under Art. 17 GDPR by the periodic job: after the periods and not before, each
person once, the running cases kept, documents gone from the storage, the audit trail only
added to."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from committees.models import BallotCase, Vote
from credits import pdf as credits_pdf
from credits.models import (
    Application,
    ApplicationDocument,
    ApplicationTransition,
    BankEntry,
    Borrower,
    FundLedgerEntry,
    Loan,
    Payment,
    ScheduleVersion,
)
from guarantors.models import Guarantee, Guarantor, GuarantorClaim
from miqua.audit.models import AuditEntry
from miqua.personal_data import ERASED_TEXT
from miqua.privacy import services, tasks
from miqua.privacy.models import Erasure
from miqua.privacy.selectors import upcoming_erasures
from monitoring.contact_models import Contact
from tests import factories

from .cases import at, close_loan, end_application

S = Application.Status


def run(day: datetime.date) -> list[Erasure]:
    return services.erasures_run(today=day)


@pytest.fixture
def rejected(network):
    """A borrower whose only application was rejected on 31 January 2025 at 23:30 in Berlin
    (already 1 February in UTC): due six months later, on 31 July."""
    with scopes_disabled():
        application = factories.ApplicationFactory(
            quarter=network.own_quarter, advisor=network.advisor
        )
        return end_application(application, S.REJECTED, at(datetime.date(2025, 1, 31), 23, 30))


# --- When ---------------------------------------------------------------------------------------


def test_an_application_without_a_loan_is_erased_six_months_after_its_end_not_before(rejected):
    assert run(datetime.date(2025, 7, 30)) == []
    with scopes_disabled():
        assert Borrower.objects.get(pk=rejected.borrower_id).last_name.startswith("Nachname")

    [erasure] = run(datetime.date(2025, 7, 31))

    with scopes_disabled():
        borrower = Borrower.objects.get(pk=rejected.borrower_id)
        application = Application.objects.get(pk=rejected.pk)
    assert borrower.full_name == f"Person K-{borrower.pk}" == erasure.pseudonym
    assert (borrower.phone, borrower.street, borrower.city, borrower.date_of_birth) == (
        "",
        "",
        "",
        None,
    )
    assert borrower.receives_sgb2 is None
    assert (application.business_name, application.purpose, application.can_repay) == ("", "", "")
    # What the figures are made of stays.
    assert (application.amount, application.trade, application.status, application.jobs_now) == (
        Decimal("5000.00"),
        "Schneiderei",
        S.REJECTED,
        rejected.jobs_now,
    )
    assert (erasure.kind, erasure.reason, erasure.due_on) == (
        "borrower",
        "credits.applications",
        datetime.date(2025, 7, 31),
    )
    assert erasure.reason_label == "Antrag ohne Kredit beendet"


def test_the_period_follows_the_setting(rejected, settings):
    settings.MIQUA_ERASE_UNFUNDED_MONTHS = 1

    assert run(datetime.date(2025, 2, 27)) == []
    assert len(run(datetime.date(2025, 2, 28))) == 1  # 31 January + 1 month: the month's last


def test_a_closed_loan_is_kept_ten_years_after_its_closing(network, second_staff):
    with scopes_disabled():
        loan = factories.paid_out_loan(
            quarter=network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            disbursed_on=datetime.date(2010, 3, 1),
        )
        close_loan(loan, datetime.date(2012, 2, 29))

    assert run(datetime.date(2022, 2, 27)) == []
    [erasure] = run(datetime.date(2022, 2, 28))

    with scopes_disabled():
        loan.refresh_from_db()
    assert erasure.reason == "credits.loans"
    assert loan.iban == ""
    assert (loan.amount, loan.status, loan.closed_on) == (
        Decimal("5000.00"),
        Loan.Status.REPAID,
        datetime.date(2012, 2, 29),
    )


def test_a_person_with_a_running_loan_is_kept_whatever_else_ended(network, second_staff, rejected):
    with scopes_disabled():
        borrower = rejected.borrower
        old = factories.paid_out_loan(
            quarter=network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            borrower=borrower,
            disbursed_on=datetime.date(2005, 3, 1),
        )
        close_loan(old, datetime.date(2006, 3, 1))
        factories.paid_out_loan(
            quarter=network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            borrower=borrower,
        )

    assert run(datetime.date(2090, 1, 1)) == []
    with scopes_disabled():
        assert Borrower.objects.get(pk=borrower.pk).last_name == borrower.last_name


def test_an_open_application_keeps_the_person(network, rejected):
    with scopes_disabled():
        factories.ApplicationFactory(
            quarter=network.own_quarter, advisor=network.advisor, borrower=rejected.borrower
        )

    assert run(datetime.date(2090, 1, 1)) == []


def test_an_approval_not_paid_out_keeps_the_person_until_it_lapses(network, rejected):
    with scopes_disabled():
        approved = factories.approved_application(
            quarter=network.own_quarter, borrower=rejected.borrower
        )
    assert run(datetime.date(2090, 1, 1)) == []

    with scopes_disabled():
        end_application(approved, S.LAPSED, at(datetime.date(2026, 5, 4)))
    assert run(datetime.date(2026, 11, 3)) == []
    assert len(run(datetime.date(2026, 11, 4))) == 1


# --- Once ---------------------------------------------------------------------------------------


def _snapshot() -> list[tuple]:
    with scopes_disabled():
        return [
            *Borrower.objects.order_by("pk").values_list(),
            *Application.objects.order_by("pk").values_list(),
            *Loan.objects.order_by("pk").values_list(),
            *Contact.objects.order_by("pk").values_list(),
            *Vote.objects.order_by("pk").values_list(),
            *BankEntry.objects.order_by("pk").values_list(),
            *Guarantor.objects.order_by("pk").values_list(),
            *AuditEntry.objects.order_by("pk").values_list(),
            *Erasure.objects.order_by("pk").values_list(),
        ]


def test_a_second_run_changes_nothing(rich, other):
    day = datetime.date(2040, 1, 1)
    first = run(day)
    assert len(first) == 3  # the two borrowers and the guarantor of both
    before = _snapshot()

    assert run(day) == []
    assert tasks.run_erasures.delay().get() == 0
    assert _snapshot() == before


def test_the_task_runs_on_the_schedule(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["gdpr-erasures"]
    assert schedule["task"] == "miqua.privacy.tasks.run_erasures"
    assert tasks.run_erasures.name == schedule["task"]


# --- What ---------------------------------------------------------------------------------------


def test_every_place_of_the_person_is_erased(rich, other, media):
    document_name = rich.document.file.name
    assert default_storage.exists(document_name)
    with scopes_disabled():
        guarantor = rich.guarantor

    run(datetime.date(2040, 1, 1))

    assert not default_storage.exists(document_name)
    assert list(media.rglob("*.pdf")) == []  # the other's document is gone too
    with scopes_disabled():
        borrower = Borrower.objects.get(pk=rich.borrower.pk)
        assert (borrower.first_name, borrower.languages, borrower.bank_relationship) == (
            "Person",
            "",
            "",
        )
        assert not ApplicationDocument.objects.filter(application__borrower=borrower).exists()
        for application in Application.objects.filter(borrower=borrower):
            assert [getattr(application, f) for f in ("conditions", "outcome_note")] == ["", ""]
        assert set(
            ApplicationTransition.objects.filter(application__borrower=borrower).values_list(
                "comment", flat=True
            )
        ) == {""}
        entries = BankEntry.objects.filter(entry_key__startswith="Kaya")
        assert entries.count() == 2  # the one booked and the one waiting, found by the IBAN
        assert set(entries.values_list("counterparty_name", "counterparty_iban", "remittance")) == {
            ("", "", "")
        }
        assert set(
            ScheduleVersion.objects.filter(loan=rich.loan).values_list("reason", flat=True)
        ) == {""}
        assert Payment.objects.get(loan=rich.loan).note == ""
        assert FundLedgerEntry.objects.get(loan=rich.loan).note == ""
        assert Loan.objects.get(pk=rich.loan.pk).closing_reason == ""
        assert BallotCase.objects.get(application=rich.funded).conditions == ""
        vote = Vote.objects.get(case__application=rich.funded)
        assert (vote.conditions, vote.comment, vote.choice) == (
            ERASED_TEXT,
            "",
            Vote.Choice.APPROVE_WITH_CONDITIONS,
        )
        contact = Contact.objects.get(borrower=borrower)
        assert (contact.note, contact.next_step, contact.contacted_on) == (
            "",
            "",
            datetime.date(2024, 5, 20),
        )
        guarantor.refresh_from_db()
        assert guarantor.full_name == f"Person B-{guarantor.pk}"
        assert set(
            Guarantee.objects.filter(guarantor=guarantor).values_list("relation", flat=True)
        ) == {""}
        claim = GuarantorClaim.objects.filter(guarantee__guarantor=guarantor).first()
        assert claim.amount_demanded > 0


def test_the_audit_trail_keeps_its_entries_and_gains_one_per_erasure(rich):
    with scopes_disabled():
        before = list(AuditEntry.objects.order_by("pk").values_list())

    erasures = run(datetime.date(2040, 1, 1))

    with scopes_disabled():
        after = list(AuditEntry.objects.order_by("pk").values_list())
        added = list(AuditEntry.objects.filter(action="privacy.erased").order_by("pk"))
    assert after[: len(before)] == before
    assert len(after) == len(before) + len(erasures) == len(before) + len(added)
    entry = next(e for e in added if e.object_type == "credits.borrower")
    assert entry.object_repr == f"Person K-{rich.borrower.pk}"
    assert entry.actor is None
    assert entry.quarter_id == rich.borrower.quarter_id
    assert entry.changes["pseudonym"] == entry.object_repr
    assert "credits.documents: 1" in entry.changes["erased"]
    written = str(entry.changes) + entry.object_repr
    for text in rich.texts:
        assert text not in written


def test_the_decision_template_of_an_erased_application_still_renders(rich):
    run(datetime.date(2040, 1, 1))

    with scopes_disabled():
        application = Application.objects.get(pk=rich.funded.pk)
        html = credits_pdf.render_decision_template_html(application=application)
    assert f"Person K-{rich.borrower.pk}" in html
    assert "Kaya" not in html


# --- Guarantors ---------------------------------------------------------------------------------


def test_a_guarantor_is_kept_while_any_loan_they_guarantee_runs(network, second_staff, rejected):
    with scopes_disabled():
        guarantee = factories.GuaranteeFactory(application=rejected)
        running = factories.paid_out_loan(
            quarter=network.own_quarter, recorder=network.staff, confirmer=second_staff
        )
        factories.GuaranteeFactory(application=running.application, guarantor=guarantee.guarantor)

    erased = run(datetime.date(2030, 1, 1))

    assert [(e.kind, e.person_id) for e in erased] == [("borrower", rejected.borrower_id)]
    with scopes_disabled():
        close_loan(running, datetime.date(2030, 6, 30))
    assert run(datetime.date(2040, 6, 29)) == []
    assert [(e.kind, e.reason) for e in run(datetime.date(2040, 6, 30))] == [
        ("borrower", "credits.loans"),
        ("guarantor", "guarantors.loans"),
    ]


def test_an_open_claim_keeps_the_guarantor_and_the_borrower(rich):
    with scopes_disabled():
        GuarantorClaim.objects.update(status=GuarantorClaim.Status.DEMANDED)

    assert run(datetime.date(2090, 1, 1)) == []


# --- What is coming -----------------------------------------------------------------------------


def test_the_upcoming_erasures_name_pseudonyms_and_references_not_names(rejected):
    with scopes_disabled():
        soon = upcoming_erasures(today=datetime.date(2025, 5, 5))
        later = upcoming_erasures(today=datetime.date(2025, 5, 1))
    [row] = soon.rows
    assert (row.pseudonym, row.due_on, row.is_due) == (
        f"Person K-{rejected.borrower_id}",
        datetime.date(2025, 7, 31),
        False,
    )
    assert row.references == [rejected.reference]
    assert row.reason == "Antrag ohne Kredit beendet"
    assert later.rows == []  # 91 days ahead: not yet in the list


def test_the_erasures_page_shows_what_was_erased_and_what_comes(network, rejected, rich):
    with scopes_disabled():
        name = rejected.borrower.last_name
    run(datetime.date(2025, 7, 31))
    client = Client()
    client.force_login(network.staff)

    page = client.get(reverse("erasure_list")).content.decode()

    assert f"Person K-{rejected.borrower_id}" in page
    assert "Antrag ohne Kredit beendet" in page
    assert "Kreditanträge: 1" in page
    assert name not in page
    assert "Kaya" not in page  # her loan defaulted in 2024: due in 2034, not in the list
    client.force_login(network.advisor)
    assert client.get(reverse("erasure_list")).status_code == 403


def test_the_borrowers_page_says_the_data_were_erased(network, rejected):
    run(datetime.date(2025, 7, 31))
    client = Client()
    client.force_login(network.staff)

    page = client.get(reverse("borrower_detail", args=[rejected.borrower_id])).content.decode()

    assert "wurden am" in page and "gelöscht" in page


def test_the_command_lists_who_is_due_and_erases_them(rejected):
    listed = StringIO()
    call_command("run_erasures", "--as-of", "2025-07-31", "--dry-run", stdout=listed)
    erased = StringIO()
    call_command("run_erasures", "--as-of", "2025-07-31", stdout=erased)
    again = StringIO()
    call_command("run_erasures", "--as-of", "2025-07-31", stdout=again)

    pseudonym = f"Person K-{rejected.borrower_id}"
    assert f"{pseudonym} (Kreditnehmer/in, {rejected.reference}): 31.07.2025" in listed.getvalue()
    assert "Zur Löschung fällig: 1." in listed.getvalue()
    assert f"{pseudonym}: Antrag ohne Kredit beendet" in erased.getvalue()
    assert again.getvalue().strip() == "Personen gelöscht: 0."
