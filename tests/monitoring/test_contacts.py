"""The contact log: recording a contact (validation, what was typed kept, who may), the
contact duty at the month boundaries and weekly for a disrupted loan, the worklist and the
loan page's panel."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from credits import loan_services
from credits.models import Borrower, Loan
from miqua.accounts.scoping import user_scope
from miqua.audit.models import AuditEntry
from monitoring.contact_models import Contact
from monitoring.contact_selectors import due_contact_count, due_contacts
from monitoring.contact_services import contact_record
from tests import factories
from tests.clients import client_for

D = Decimal
PAYOUT = datetime.date(2025, 1, 15)  # the factory's payout; the first instalment is due later


def _loan(network, second_staff, *, quarter=None, number=None) -> Loan:
    with scopes_disabled():
        return factories.paid_out_loan(
            quarter=quarter or network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            contract_number=number,
        )


def _outside_loan(network, second_staff) -> Loan:
    with scopes_disabled():
        borrower = Borrower.objects.create(
            quarter=None, first_name="Ilse", last_name="Außenweg", date_of_birth="1980-02-03"
        )
        loan = loan_services.loan_record_outside(
            borrower=borrower,
            terms=loan_services.LoanTerms(
                contract_number="AQ-0001",
                iban=factories.TEST_IBANS[1],
                disbursed_on=PAYOUT,
                amount=D("3000.00"),
                interest_rate=D("8.56"),
                term_months=12,
            ),
            actor=network.staff,
            today=PAYOUT,
        )
        return loan_services.loan_confirm(loan=loan, actor=second_staff)


def _contact(loan: Loan, day: datetime.date, by) -> Contact:
    with scopes_disabled():
        return Contact.objects.create(
            quarter_id=loan.quarter_id,
            borrower_id=loan.borrower_id,
            loan=loan,
            contacted_on=day,
            channel=Contact.Channel.PHONE,
            by=by,
            note="Gespräch",
        )


def _first_due(loan: Loan) -> datetime.date:
    with scopes_disabled():
        return loan.instalments.filter(is_current=True).order_by("due_on").first().due_on


def _due(user, today) -> dict[str, object]:
    with user_scope(user):
        return {row.loan.contract_number: row for row in due_contacts(today=today)}


# --- Recording --------------------------------------------------------------------------------


def test_a_contact_is_recorded_with_its_audit_entry(network, second_staff):
    loan = _loan(network, second_staff)
    with scopes_disabled():
        contact = contact_record(
            borrower=loan.borrower,
            loan=loan,
            contacted_on=datetime.date(2025, 2, 3),
            channel="visit",
            note="  Laden besucht, läuft gut. ",
            next_step="Kassenbuch ansehen",
            next_step_on=datetime.date(2025, 3, 3),
            actor=network.advisor,
            today=datetime.date(2025, 2, 4),
        )
        assert contact.quarter_id == network.own_quarter.pk
        assert contact.note == "Laden besucht, läuft gut."
        assert contact.by == network.advisor
        entry = AuditEntry.objects.get(action="contact.recorded")
        assert entry.quarter_id == network.own_quarter.pk
        assert entry.changes["channel"] == "visit"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contacted_on": datetime.date(2025, 2, 5)}, "contacted_on"),  # after today
        ({"contacted_on": datetime.date(2025, 1, 14)}, "contacted_on"),  # before the payout
        ({"next_step_on": datetime.date(2025, 2, 2)}, "next_step_on"),  # before the contact
        ({"note": "x" * 2001}, "note"),
        ({"note": "   "}, "note"),
        ({"next_step": "x" * 201}, "next_step"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_input_is_refused_at_its_field(network, second_staff, changes, field):
    loan = _loan(network, second_staff)
    kwargs = {
        "contacted_on": datetime.date(2025, 2, 3),
        "channel": "phone",
        "note": "Angerufen.",
        **changes,
    }
    with scopes_disabled(), pytest.raises(ValidationError) as error:
        contact_record(
            borrower=loan.borrower,
            loan=loan,
            actor=network.advisor,
            today=datetime.date(2025, 2, 4),
            **kwargs,
        )
    assert list(error.value.error_dict) == [field]
    with scopes_disabled():
        assert not Contact.objects.exists()


def test_before_2000_is_refused_without_a_loan(network, second_staff):
    loan = _loan(network, second_staff)
    with scopes_disabled(), pytest.raises(ValidationError) as error:
        contact_record(
            borrower=loan.borrower,
            contacted_on=datetime.date(1999, 12, 31),
            channel="phone",
            note="Angerufen.",
            actor=network.staff,
        )
    assert "contacted_on" in error.value.error_dict


@pytest.mark.parametrize("role", ["foreign_advisor", "committee_member", "municipality_viewer"])
def test_only_the_quarters_advisor_and_staff_may_record(network, second_staff, role):
    loan = _loan(network, second_staff)
    with scopes_disabled():
        for allowed in (network.advisor, network.staff):
            assert allowed.has_perm("monitoring.record_contact", loan)
        with pytest.raises(PermissionDenied):
            contact_record(
                borrower=loan.borrower,
                loan=loan,
                contacted_on=datetime.date(2025, 2, 3),
                channel="phone",
                note="Angerufen.",
                actor=getattr(network, role),
            )


def test_the_page_records_and_a_bad_input_keeps_what_was_typed(network, second_staff):
    loan = _loan(network, second_staff)
    url = reverse("contact_record", args=[loan.pk])
    client = client_for(network.advisor)
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {"contacted_on": "01.01.2025", "channel": "visit", "note": "Kaffee im Laden getrunken"},
    )
    assert bad.status_code == 400
    assert "contacted_on" in bad.context["form"].errors  # before the payout on 15.01.2025
    assert "Kaffee im Laden getrunken" in bad.content.decode()
    good = client.post(
        url, {"contacted_on": "03.02.2025", "channel": "visit", "note": "Kaffee im Laden"}
    )
    assert good.status_code == 302
    assert good["Location"] == reverse("loan_detail", args=[loan.pk]) + "#contacts"
    with scopes_disabled():
        assert Contact.objects.get().contacted_on == datetime.date(2025, 2, 3)


def test_another_quarters_advisor_gets_404_and_a_committee_member_403(network, second_staff):
    loan = _loan(network, second_staff)
    url = reverse("contact_record", args=[loan.pk])
    assert client_for(network.foreign_advisor).get(url).status_code == 404
    assert client_for(network.committee_member).get(url).status_code == 403
    assert client_for(network.committee_member).get(reverse("contact_worklist")).status_code == 403
    assert (
        client_for(network.municipality_viewer).get(reverse("contact_worklist")).status_code == 403
    )


# --- The contact duty -------------------------------------------------------------------------


def test_the_monthly_duty_at_the_month_boundaries(network, second_staff):
    counted = _loan(network, second_staff, number="M-1")  # last day of the previous month
    too_old = _loan(network, second_staff, number="M-2")  # last day of the month before
    this_month = _loan(network, second_staff, number="M-3")
    never = _loan(network, second_staff, number="M-4")
    today = datetime.date(2025, 3, 4)
    # Current loans only: the duty here is the monthly one.
    for loan in (counted, too_old, this_month, never):
        with scopes_disabled():
            for instalment in loan.instalments.filter(is_current=True, due_on__lte=today):
                loan_services.payment_record(
                    loan=loan,
                    amount=instalment.interest + instalment.principal,
                    value_date=instalment.due_on,
                    actor=network.staff,
                    today=instalment.due_on,
                )
    _contact(counted, datetime.date(2025, 2, 28), network.advisor)
    _contact(too_old, datetime.date(2025, 1, 31), network.advisor)
    _contact(this_month, datetime.date(2025, 3, 1), network.advisor)
    due = _due(network.advisor, today)
    assert set(due) == {"M-2", "M-4"}
    assert not due["M-2"].weekly
    assert due["M-2"].last_contact_on == datetime.date(2025, 1, 31)
    assert due["M-4"].last_contact_on is None
    # Oldest contact first: never heard from leads.
    with user_scope(network.advisor):
        order = [row.loan.contract_number for row in due_contacts(today=today)]
    assert order == ["M-4", "M-2"]


def test_a_disrupted_loan_is_due_every_week(network, second_staff):
    late = _loan(network, second_staff, number="W-1")
    later = _loan(network, second_staff, number="W-2")
    first_due = _first_due(late)
    today = first_due + datetime.timedelta(days=20)
    # Eight days ago: due again, though heard from this month or last.
    _contact(late, today - datetime.timedelta(days=7), network.advisor)
    due = _due(network.advisor, today)
    assert due["W-1"].weekly and due["W-1"].days_past_due == 20
    assert due["W-2"].weekly
    # Six days ago: not yet.
    _contact(later, today - datetime.timedelta(days=6), network.advisor)
    assert set(_due(network.advisor, today)) == {"W-1"}
    # Once paid up, the monthly rule is back: the contact 7 days ago is in this or last month.
    with scopes_disabled():
        loan_services.payment_record(
            loan=late, amount=D("1000.00"), value_date=today, actor=network.staff, today=today
        )
    assert set(_due(network.advisor, today)) == set()


def test_disrupted_first_by_days_past_due_in_few_queries(network, second_staff):
    for number in ("Q-1", "Q-2", "Q-3"):
        _loan(network, second_staff, number=number)
    today = _first_due(_loan(network, second_staff, number="Q-4")) + datetime.timedelta(days=3)
    with user_scope(network.advisor), CaptureQueriesContext(connection) as queries:
        rows = due_contacts(today=today)
    assert len(rows) == 4 and all(row.weekly for row in rows)
    assert len(queries) <= 4


def test_the_count_of_due_contacts_is_counted_by_the_database(network, second_staff):
    # One disrupted loan (weekly), one paid up (monthly), one paid up and heard from (not due).
    weekly, monthly, heard = (_loan(network, second_staff, number=n) for n in ("C-1", "C-2", "C-3"))
    today = _first_due(weekly) + datetime.timedelta(days=3)
    for loan in (monthly, heard):
        with scopes_disabled():
            first = loan.instalments.filter(is_current=True).order_by("due_on").first()
            loan_services.payment_record(
                loan=loan,
                amount=first.interest + first.principal,
                value_date=first.due_on,
                actor=network.staff,
                today=first.due_on,
            )
    _contact(heard, today, network.advisor)
    with user_scope(network.advisor):
        rows = due_contacts(today=today)
        with CaptureQueriesContext(connection) as queries:
            count = due_contact_count(today=today)
    assert {(row.loan.contract_number, row.weekly) for row in rows} == {
        ("C-1", True),
        ("C-2", False),
    }
    assert count == 2
    assert len(queries) == 2
    with user_scope(network.foreign_advisor):
        assert due_contact_count(today=today) == 0


def test_a_loan_outside_the_quarters_is_due_for_staff_only(network, second_staff):
    _loan(network, second_staff, number="IN-1")
    _outside_loan(network, second_staff)
    today = datetime.date(2025, 2, 1)
    assert set(_due(network.staff, today)) == {"IN-1", "AQ-0001"}
    assert set(_due(network.advisor, today)) == {"IN-1"}
    assert set(_due(network.foreign_advisor, today)) == set()


def test_another_quarters_loan_is_not_due(network, second_staff):
    _loan(network, second_staff, quarter=network.foreign_quarter, number="F-1")
    with scope(quarter=[network.own_quarter.pk]):
        assert due_contacts(today=datetime.date(2025, 2, 1)) == []


# --- Pages ------------------------------------------------------------------------------------


def test_the_worklist_shows_the_due_loans_and_records_from_a_row(network, second_staff):
    loan = _loan(network, second_staff, number="WL-1")
    client = client_for(network.advisor)
    page = client.get(reverse("contact_worklist"))
    assert page.status_code == 200
    assert "WL-1" in page.content.decode()
    url = reverse("contact_record", args=[loan.pk])
    prefix = f"contact-{loan.pk}"
    future = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    bad = client.post(
        url,
        {
            "from": "worklist",
            f"{prefix}-contacted_on": future,
            f"{prefix}-channel": "email",
            f"{prefix}-note": "Mail wegen Rate geschrieben",
        },
    )
    assert bad.status_code == 400
    assert "monitoring/contact_worklist.html" in {t.name for t in bad.templates}
    row = next(i for i in bad.context["items"] if i["due"].loan.pk == loan.pk)
    assert row["form"].errors and "Mail wegen Rate geschrieben" in bad.content.decode()
    today = timezone.localdate().strftime("%d.%m.%Y")
    good = client.post(
        url,
        {
            "from": "worklist",
            f"{prefix}-contacted_on": today,
            f"{prefix}-channel": "email",
            f"{prefix}-note": "Mail wegen Rate geschrieben",
        },
    )
    assert good.status_code == 302 and good["Location"] == reverse("contact_worklist")
    assert "WL-1" not in client.get(reverse("contact_worklist")).content.decode()


def test_the_loan_page_shows_the_contacts_and_the_quick_form(network, second_staff):
    loan = _loan(network, second_staff)
    _contact(loan, datetime.date(2025, 2, 3), network.advisor)
    page = client_for(network.advisor).get(reverse("loan_detail", args=[loan.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="contacts"' in html and "Gespräch" in html
    assert reverse("contact_record", args=[loan.pk]) in html
    prefix = f"contact-{loan.pk}"
    bad = client_for(network.advisor).post(
        reverse("contact_record", args=[loan.pk]),
        {"from": "loan", f"{prefix}-contacted_on": "03.02.2025", f"{prefix}-note": "Ohne Kanal"},
    )
    assert bad.status_code == 400
    assert bad.templates[0].name == "credits/loan_detail.html"
    assert "Ohne Kanal" in bad.content.decode()


def test_the_menu_links_the_worklist_for_advisors_and_home_counts_it_for_staff(
    network, second_staff
):
    _loan(network, second_staff, number="N-1")
    _loan(network, second_staff, quarter=network.foreign_quarter, number="N-2")
    worklist = reverse("contact_worklist")
    advisor_home = client_for(network.advisor).get(reverse("home"))
    assert any(item["url"] == worklist for item in advisor_home.context["nav_items"])
    assert advisor_home.context["due_contact_count"] == 1
    staff_home = client_for(network.staff).get(reverse("home"))
    assert not any(item["url"] == worklist for item in staff_home.context["nav_items"])
    assert staff_home.context["due_contact_count"] == 2
    assert 'id="due-contacts"' in staff_home.content.decode()
    member_home = client_for(network.municipality_viewer).get(reverse("home"))
    assert member_home.context["due_contact_count"] is None
