"""The intensive-care list (`/monitoring/disrupted/`): the running loans in arrears today, longest
past due first, an advisor's quarters only, every quarter for the back office with a filter, the
quick contact form in each row, and the same number of queries for 5 loans or 50."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from credits import loan_services
from credits.models import Instalment, Loan
from monitoring.contact_models import Contact
from tests import factories
from tests.clients import client_for

D = Decimal
URL = reverse("disrupted_loans")


def _payout_day() -> datetime.date:
    # About seven months ago: five or six instalments due by today, the term still running.
    return timezone.localdate() - datetime.timedelta(days=210)


def _loan(network, second_staff, *, quarter=None, number: str) -> Loan:
    with scopes_disabled():
        return factories.paid_out_loan(
            quarter=quarter or network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            contract_number=number,
            disbursed_on=_payout_day(),
        )


def _outside_loan(network, second_staff, number: str) -> Loan:
    with scopes_disabled():
        loan = loan_services.loan_record_outside(
            borrower=factories.BorrowerFactory(quarter=None, last_name="Außenweg"),
            terms=loan_services.LoanTerms(
                contract_number=number,
                iban=factories.TEST_IBANS[1],
                disbursed_on=_payout_day(),
                amount=D("3000.00"),
                interest_rate=D("8.56"),
                term_months=24,
            ),
            actor=network.staff,
            today=_payout_day(),
        )
        return loan_services.loan_confirm(loan=loan, actor=second_staff)


def _due(loan: Loan) -> list[Instalment]:
    with scopes_disabled():
        return list(
            Instalment.objects.filter(
                loan=loan, is_current=True, due_on__lte=timezone.localdate()
            ).order_by("due_on")
        )


def _pay_first(loan: Loan, count: int, actor) -> None:
    """The first `count` instalments, each paid on its due date."""
    with scopes_disabled():
        for instalment in _due(loan)[:count]:
            loan_services.payment_record(
                loan=loan,
                amount=instalment.amount,
                value_date=instalment.due_on,
                actor=actor,
                today=instalment.due_on,
            )


def _numbers(response) -> list[str]:
    return [item["row"].loan.contract_number for item in response.context["items"]]


# --- What the list shows ----------------------------------------------------------------------


def test_longest_past_due_first_with_arrears_and_last_contact(network, second_staff):
    two_paid = _loan(network, second_staff, number="D-2")
    none_paid = _loan(network, second_staff, number="D-0")
    one_paid = _loan(network, second_staff, number="D-1")
    current = _loan(network, second_staff, number="D-OK")
    _pay_first(two_paid, 2, network.staff)
    _pay_first(one_paid, 1, network.staff)
    _pay_first(current, len(_due(current)), network.staff)
    with scopes_disabled():
        Contact.objects.create(
            quarter_id=one_paid.quarter_id,
            borrower_id=one_paid.borrower_id,
            loan=one_paid,
            contacted_on=timezone.localdate() - datetime.timedelta(days=3),
            channel=Contact.Channel.VISIT,
            by=network.advisor,
            note="Im Laden gesprochen",
            next_step="Ratenplan besprechen",
            next_step_on=timezone.localdate() + datetime.timedelta(days=4),
        )

    page = client_for(network.advisor).get(URL)

    assert page.status_code == 200
    assert _numbers(page) == ["D-0", "D-1", "D-2"]
    rows = {item["row"].loan.contract_number: item["row"] for item in page.context["items"]}
    today = timezone.localdate()
    for loan, paid in ((none_paid, 0), (one_paid, 1), (two_paid, 2)):
        due = _due(loan)
        row = rows[loan.contract_number]
        assert row.arrears.oldest_due_on == due[paid].due_on
        assert row.arrears.days_past_due == (today - due[paid].due_on).days
        assert row.arrears.amount == sum((i.amount for i in due[paid:]), D("0.00"))
    assert rows["D-1"].last_contact_on == today - datetime.timedelta(days=3)
    assert rows["D-1"].next_step == "Ratenplan besprechen"
    assert rows["D-0"].last_contact_on is None
    html = page.content.decode()
    assert "Ratenplan besprechen" in html
    assert reverse("loan_detail", args=[none_paid.pk]) in html
    assert reverse("contact_record", args=[none_paid.pk]) in html
    assert 'name="from" value="disrupted"' in html
    assert html.index("D-0") < html.index("D-1") < html.index("D-2")


def test_an_advisor_sees_their_quarters_and_staff_every_quarter_with_a_filter(
    network, second_staff
):
    _loan(network, second_staff, number="OWN-1")
    _loan(network, second_staff, quarter=network.sibling_quarter, number="SIB-1")
    foreign = _loan(network, second_staff, quarter=network.foreign_quarter, number="FOR-1")
    outside = _outside_loan(network, second_staff, "OUT-1")

    assert _numbers(client_for(network.advisor).get(URL)) == ["OWN-1"]
    assert _numbers(client_for(network.foreign_advisor).get(URL)) == ["FOR-1"]
    staff = client_for(network.staff)
    every = staff.get(URL)
    assert sorted(_numbers(every)) == ["FOR-1", "OUT-1", "OWN-1", "SIB-1"]
    assert every.context["several_quarters"]
    assert _numbers(staff.get(URL, {"quarter": foreign.quarter_id})) == ["FOR-1"]
    assert _numbers(staff.get(URL, {"quarter": "outside"})) == ["OUT-1"]
    assert outside.borrower.last_name in staff.get(URL, {"quarter": "outside"}).content.decode()
    # A quarter the advisor does not advise is no choice of theirs: it opens nothing.
    assert "FOR-1" not in _numbers(
        client_for(network.advisor).get(URL, {"quarter": foreign.quarter_id})
    )


def test_only_advisors_and_staff_open_it(network):
    for user in (network.committee_member, network.municipality_viewer):
        assert client_for(user).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302


def test_nothing_in_arrears_says_so(network, second_staff):
    loan = _loan(network, second_staff, number="OK-1")
    _pay_first(loan, len(_due(loan)), network.staff)
    page = client_for(network.advisor).get(URL)
    assert page.status_code == 200 and page.context["items"] == []
    assert "OK-1" not in page.content.decode()


# --- The quick contact form -------------------------------------------------------------------


def test_a_bad_input_keeps_what_was_typed_and_a_good_one_comes_back_here(network, second_staff):
    _loan(network, second_staff, number="QF-0")
    loan = _loan(network, second_staff, number="QF-1")
    url = reverse("contact_record", args=[loan.pk])
    prefix = f"contact-{loan.pk}"
    future = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    client = client_for(network.advisor)

    bad = client.post(
        url,
        {
            "from": "disrupted",
            "back": "page=1&evil=https://example.org",
            f"{prefix}-contacted_on": future,
            f"{prefix}-channel": "visit",
            f"{prefix}-note": "Wegen der Rückstände im Laden gewesen",
            f"{prefix}-next_step": "Ratenpause prüfen",
        },
    )

    assert bad.status_code == 400
    assert "monitoring/disrupted_loans.html" in {t.name for t in bad.templates}
    item = next(i for i in bad.context["items"] if i["row"].loan.pk == loan.pk)
    assert "contacted_on" in item["form"].errors
    html = bad.content.decode()
    assert "Wegen der Rückstände im Laden gewesen" in html
    assert "Ratenpause prüfen" in html
    assert '<details class="quick-form" open>' in html
    # The other rows' forms stay closed and empty.
    other = next(i for i in bad.context["items"] if i["row"].loan.pk != loan.pk)
    empty = str(other["form"])
    assert empty.startswith('<details class="quick-form">')  # closed
    assert f'name="contact-{other["row"].loan.pk}-note"' in empty
    assert "Ratenpause" not in empty
    with scopes_disabled():
        assert not Contact.objects.exists()

    today = timezone.localdate().strftime("%d.%m.%Y")
    good = client.post(
        url,
        {
            "from": "disrupted",
            "back": "page=1&evil=https://example.org",
            f"{prefix}-contacted_on": today,
            f"{prefix}-channel": "visit",
            f"{prefix}-note": "Wegen der Rückstände im Laden gewesen",
            f"{prefix}-next_step": "Ratenpause prüfen",
        },
    )

    assert good.status_code == 302
    # Back to the same page of the list, nothing else carried along.
    assert good["Location"] == f"{URL}?page=1#loan-{loan.pk}"
    with scopes_disabled():
        contact = Contact.objects.get()
    assert contact.loan == loan and contact.next_step == "Ratenpause prüfen"
    rows = {i["row"].loan.pk: i["row"] for i in client.get(URL).context["items"]}
    assert rows[loan.pk].last_contact_on == timezone.localdate()


def test_a_staff_filter_is_kept_through_the_quick_form(network, second_staff):
    _loan(network, second_staff, number="KF-OWN")
    foreign = _loan(network, second_staff, quarter=network.foreign_quarter, number="KF-FOR")
    prefix = f"contact-{foreign.pk}"
    client = client_for(network.staff)
    page = client.get(URL, {"quarter": foreign.quarter_id})
    back = f"quarter={foreign.quarter_id}&page=1"
    assert f'name="back" value="{back.replace("&", "&amp;")}"' in page.content.decode()

    bad = client.post(
        reverse("contact_record", args=[foreign.pk]),
        {"from": "disrupted", "back": back, f"{prefix}-note": "Ohne Datum und Kanal"},
    )

    assert bad.status_code == 400
    assert _numbers(bad) == ["KF-FOR"]
    assert "Ohne Datum und Kanal" in bad.content.decode()


def test_a_loan_paid_up_meanwhile_keeps_the_typed_text_on_the_contact_page(network, second_staff):
    loan = _loan(network, second_staff, number="PU-1")
    _pay_first(loan, len(_due(loan)), network.staff)
    prefix = f"contact-{loan.pk}"

    bad = client_for(network.advisor).post(
        reverse("contact_record", args=[loan.pk]),
        {"from": "disrupted", f"{prefix}-channel": "phone", f"{prefix}-note": "Schon bezahlt"},
    )

    assert bad.status_code == 400
    assert bad.templates[0].name == "monitoring/contact_record.html"
    html = bad.content.decode()
    assert "Schon bezahlt" in html
    # The next try still goes back to the list.
    assert 'name="from" value="disrupted"' in html


# --- Queries ----------------------------------------------------------------------------------


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["advisor", "staff"])
def test_the_same_queries_for_5_and_50_loans(network, second_staff, role):
    with scopes_disabled():
        for n in range(5):
            _loan(network, second_staff, number=f"N-{n:03d}")
    client = client_for(getattr(network, role))
    client.get(URL)  # the session and the user's quarters, as on every page
    few = _queries(client)
    assert len(client.get(URL).context["items"]) == 5

    with scopes_disabled():
        for n in range(5, 50):
            _loan(network, second_staff, number=f"N-{n:03d}")
    many = _queries(client)

    assert len(client.get(URL).context["items"]) == 50
    assert few == many


# --- Where it is linked -----------------------------------------------------------------------


def test_the_advisor_menu_links_it_and_the_homes_count_it(network, second_staff):
    _loan(network, second_staff, number="L-1")
    _loan(network, second_staff, quarter=network.foreign_quarter, number="L-2")
    paid = _loan(network, second_staff, number="L-3")
    _pay_first(paid, len(_due(paid)), network.staff)

    advisor_home = client_for(network.advisor).get(reverse("home"))
    assert any(item["url"] == URL for item in advisor_home.context["nav_items"])
    # The advisor's home counts their quarter's loan in arrears only (L-1, not L-2).
    assert advisor_home.context["disrupted_loan_count"] == 1
    staff_home = client_for(network.staff).get(reverse("home"))
    assert not any(item["url"] == URL for item in staff_home.context["nav_items"])
    assert staff_home.context["disrupted_loan_count"] == 2
    html = staff_home.content.decode()
    assert 'id="disrupted-loans"' in html and f'href="{URL}"' in html
    viewer_home = client_for(network.municipality_viewer).get(reverse("home"))
    assert viewer_home.context["disrupted_loan_count"] is None
    assert not any(item["url"] == URL for item in viewer_home.context["nav_items"])
