"""The monthly checks' pages and their quality assurance: recording and closing measures, the
check's settings (the standard of a new check, where the catch-up starts), the list with its
quarter picker, a month's page with its rates and loans in arrears, as staff and as advisor."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from credits.models import Instalment, Loan
from miqua.audit.models import AuditEntry
from monitoring import quality_services, selectors, services
from monitoring.models import CheckSettings, LoanSnapshot, MonthlyCheck, QualityMeasure
from tests import factories
from tests.clients import client_for

D = Decimal
AS_OF = datetime.date(2025, 3, 15)


def _english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def _loan(network, second_staff, quarter, *, number: str) -> Loan:
    """Paid out on 15 January 2025, first instalment due on 28 February: unpaid, it is in
    arrears on 15 March."""
    with scopes_disabled():
        return factories.paid_out_loan(
            quarter=quarter, recorder=network.staff, confirmer=second_staff, contract_number=number
        )


def _pay_first(loan: Loan, actor) -> None:
    from credits import loan_services

    with scopes_disabled():
        first = Instalment.objects.filter(loan=loan, is_current=True).order_by("due_on").first()
        loan_services.payment_record(
            loan=loan, amount=first.amount, value_date=first.due_on, actor=actor, today=AS_OF
        )


@pytest.fixture
def portfolio(network, second_staff):
    """Own quarter: 2 loans, 1 in arrears (50 %); foreign quarter: 1 loan in arrears (100 %);
    network: 2 of 3 disrupted (66.67 %), above the standard of 10 %."""
    own_late = _loan(network, second_staff, network.own_quarter, number="KV-OWN-1")
    own_paid = _loan(network, second_staff, network.own_quarter, number="KV-OWN-2")
    foreign = _loan(network, second_staff, network.foreign_quarter, number="KV-FOR-1")
    _pay_first(own_paid, network.staff)
    with scopes_disabled():
        check = services.monthly_check_run(as_of=AS_OF)
    return {"check": check, "own_late": own_late, "own_paid": own_paid, "foreign": foreign}


def _measure(check, staff, text="Telefonaktion") -> QualityMeasure:
    with scopes_disabled():
        return quality_services.quality_measure_record(check=check, text=text, actor=staff)


# --- Services -----------------------------------------------------------------------------------


def test_a_measure_is_recorded_for_a_month_above_the_standard(network, portfolio, unscoped):
    check = portfolio["check"]
    assert (check.active, check.disrupted, check.requires_qa) == (3, 2, True)

    measure = quality_services.quality_measure_record(
        check=check, text="  Alle Beratenden rufen an.  ", actor=network.staff
    )

    assert measure.text == "Alle Beratenden rufen an."
    assert (measure.check_run_id, measure.recorded_by_id) == (check.pk, network.staff.pk)
    assert measure.closed_at is None
    entry = AuditEntry.objects.get(action="quality_measure.recorded")
    assert entry.object_id == str(measure.pk)
    assert entry.changes["check"] == "2025-03-15"


def test_a_measure_needs_text_a_month_above_the_standard_and_staff(network, portfolio, unscoped):
    check = portfolio["check"]
    with pytest.raises(ValidationError) as empty:
        quality_services.quality_measure_record(check=check, text="   ", actor=network.staff)
    assert "text" in empty.value.error_dict
    with pytest.raises(ValidationError) as long:
        quality_services.quality_measure_record(check=check, text="x" * 4001, actor=network.staff)
    assert "text" in long.value.error_dict
    with pytest.raises(PermissionDenied):
        quality_services.quality_measure_record(check=check, text="Anrufe", actor=network.advisor)
    calm = MonthlyCheck.objects.create(
        as_of=datetime.date(2024, 12, 15), status=MonthlyCheck.Status.DONE, requires_qa=False
    )
    with pytest.raises(ValidationError) as not_needed:
        quality_services.quality_measure_record(check=calm, text="Anrufe", actor=network.staff)
    assert not_needed.value.code == "not_required"
    assert QualityMeasure.objects.count() == 0


def test_closing_a_measure_twice_is_refused(network, second_staff, portfolio, unscoped):
    measure = _measure(portfolio["check"], network.staff)

    closed = quality_services.quality_measure_close(measure=measure, actor=second_staff)

    assert closed.closed_by_id == second_staff.pk
    assert closed.closed_at is not None
    with pytest.raises(ValidationError) as twice:
        quality_services.quality_measure_close(measure=measure, actor=network.staff)
    assert twice.value.code == "already_closed"
    assert second_staff.full_name in twice.value.messages[0]
    measure.refresh_from_db()
    assert measure.closed_by_id == second_staff.pk  # unchanged by the second try
    assert AuditEntry.objects.filter(action="quality_measure.closed").count() == 1


@pytest.mark.parametrize("value", [D("0"), D("-1"), D("100.01"), D("10.005")])
def test_the_standard_must_lie_above_0_and_at_most_100(value, network, unscoped):
    with pytest.raises(ValidationError) as refused:
        quality_services.check_settings_update(
            standard_percent=value, start_month=None, actor=network.staff
        )
    assert "standard_percent" in refused.value.error_dict
    assert not CheckSettings.objects.exists()


def test_only_staff_change_the_settings(network, unscoped):
    with pytest.raises(PermissionDenied):
        quality_services.check_settings_update(
            standard_percent=D("12"), start_month=None, actor=network.advisor
        )


def test_the_settings_set_a_new_checks_standard_and_the_catch_up_start(network, unscoped):
    assert services.disruption_standard_percent() == D("10.00")  # the Django setting

    row = quality_services.check_settings_update(
        standard_percent=D("12.5"), start_month=datetime.date(2025, 3, 20), actor=network.staff
    )
    again = quality_services.check_settings_update(
        standard_percent=D("12.50"), start_month=datetime.date(2025, 3, 31), actor=network.staff
    )

    assert (row.pk, again.pk) == (1, 1)
    assert CheckSettings.objects.count() == 1
    assert again.start_month == datetime.date(2025, 3, 1)  # the 1st of its month
    assert services.disruption_standard_percent() == D("12.50")
    # No check yet, no start given: from the month set (the 15th of March), not from a payout.
    checks = services.monthly_checks_catch_up(today=datetime.date(2025, 5, 16))
    assert [c.as_of for c in checks] == [
        datetime.date(2025, 3, 15),
        datetime.date(2025, 4, 15),
        datetime.date(2025, 5, 15),
    ]
    assert {c.standard_percent for c in checks} == {D("12.50")}
    assert AuditEntry.objects.filter(action="check_settings.changed").count() == 2


def test_a_standard_changed_later_keeps_the_history(network, second_staff, unscoped):
    loans = [
        _loan(network, second_staff, network.own_quarter, number=f"KV-S-{i}") for i in range(9)
    ]
    for loan in loans[1:]:
        _pay_first(loan, network.staff)
    # 1 of 9 disrupted: 11.11 %, above 10 %, not above 12 %.
    before = services.monthly_check_run(as_of=AS_OF)
    quality_services.check_settings_update(
        standard_percent=D("12"), start_month=None, actor=network.staff
    )
    after = services.monthly_check_run(as_of=datetime.date(2025, 4, 15))

    before.refresh_from_db()
    assert (before.standard_percent, before.requires_qa) == (D("10.00"), True)
    assert after.standard_percent == D("12.00")


# --- The list ------------------------------------------------------------------------------------


def test_the_list_as_staff_shows_every_month_with_its_rate_and_qa_state(
    network, second_staff, portfolio
):
    check = portfolio["check"]
    with scopes_disabled():
        calm = services.monthly_check_run(as_of=datetime.date(2025, 1, 15))
        measure = _measure(check, network.staff)
        _measure(check, network.staff, text="Zweite Maßnahme")
        quality_services.quality_measure_close(measure=measure, actor=second_staff)

    response = client_for(_english(network.staff)).get(reverse("check_list"))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.check.as_of for r in rows] == [AS_OF, calm.as_of]  # newest first
    assert (rows[0].total.active, rows[0].total.disrupted) == (3, 2)
    assert rows[0].total.percent == D("66.67")
    assert (rows[0].measures, rows[0].open_measures, rows[0].qa_state) == (2, 1, "open")
    assert rows[1].qa_state == "not_needed"
    body = response.content.decode()
    assert reverse("check_detail", args=[AS_OF]) in body
    assert "66.67" in body
    assert "1 measure open" in body
    assert "above the standard" in body
    assert response.context["ever_disrupted_share"] == D("66.67")
    assert 'id="settings"' in body


def test_the_list_writes_german_dates_by_default(network, portfolio):
    response = client_for(network.staff).get(reverse("check_list"))
    assert "15.03.2025" in response.content.decode()
    assert "66,67" in response.content.decode()


def test_the_advisor_sees_their_quarters_rows_and_the_networks_total(network, portfolio):
    response = client_for(network.advisor).get(reverse("check_list"))

    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert (row.own.active, row.own.disrupted, row.own.percent) == (2, 1, D("50.00"))
    assert row.total.percent == D("66.67")  # the network's, labelled so
    assert response.context["settings_form"] is None
    body = response.content.decode()
    assert network.foreign_quarter.name not in body  # not even in the picker
    assert network.own_quarter.name in body
    # Loans of the advisor's quarter only: 1 of 2 ever disrupted.
    assert response.context["ever_disrupted_share"] == D("50.00")


def test_the_quarter_picker_shows_a_quarters_months(network, portfolio):
    url = reverse("check_list") + f"?quarter={network.own_quarter.pk}"
    response = client_for(network.advisor).get(url)

    assert response.status_code == 200
    (month,) = response.context["quarter_months"]
    assert (month.rate.active, month.rate.disrupted, month.rate.above) == (2, 1, True)
    assert "quarter-months" in response.content.decode()


@pytest.mark.parametrize("value", ["foreign", "sibling", "nonsense", "999999"])
def test_a_quarter_out_of_sight_answers_404(value, network, portfolio):
    ids = {
        "foreign": network.foreign_quarter.pk,
        "sibling": network.sibling_quarter.pk,
    }
    response = client_for(network.advisor).get(
        reverse("check_list") + f"?quarter={ids.get(value, value)}"
    )
    assert response.status_code == 404
    # Staff see every quarter.
    if value in ids:
        staff = client_for(network.staff).get(reverse("check_list") + f"?quarter={ids[value]}")
        assert staff.status_code == 200


def test_the_empty_list_says_when_the_check_runs(network):
    response = client_for(_english(network.staff)).get(reverse("check_list"))
    body = response.content.decode()
    assert 'id="no-checks"' in body
    assert "15th" in body
    assert "python manage.py run_monthly_checks" in body


def test_bad_settings_keep_what_was_typed(network, portfolio):
    response = client_for(network.staff).post(
        reverse("check_settings"), {"standard_percent": "0", "start_month": "2025-03-20"}
    )

    assert response.status_code == 400
    form = response.context["settings_form"]
    assert "standard_percent" in form.errors
    body = response.content.decode()
    assert 'value="0"' in body
    assert 'value="2025-03-20"' in body
    assert not CheckSettings.objects.exists()


def test_good_settings_are_saved(network):
    response = client_for(network.staff).post(
        reverse("check_settings"),
        {"standard_percent": "12,5", "start_month": "2025-03-20"},
    )

    assert response.status_code == 302
    row = CheckSettings.objects.get()
    assert (row.standard_percent, row.start_month) == (D("12.50"), datetime.date(2025, 3, 1))
    # The form shows them again.
    page = client_for(network.staff).get(reverse("check_list"))
    assert page.context["settings_form"].initial["standard_percent"] == D("12.50")


# --- A month's page -----------------------------------------------------------------------------


def test_the_detail_as_staff_shows_every_rate_and_the_loans_in_arrears(network, portfolio):
    response = client_for(network.staff).get(reverse("check_detail", args=[AS_OF]))

    assert response.status_code == 200
    context = response.context
    assert context["total"].percent == D("66.67")
    inside, outside = context["inside_outside"]
    assert (inside.active, inside.disrupted, outside.active) == (3, 2, 0)
    assert [(r.label, r.percent, r.above) for r in context["municipalities"]] == [
        ("Duisburg", D("100.00"), True),
        ("Offenbach am Main", D("50.00"), True),
    ]
    assert {r.label: r.percent for r in context["quarter_rates"]} == {
        str(network.foreign_quarter): D("100.00"),
        str(network.own_quarter): D("50.00"),
    }
    snapshots = list(context["page_obj"])
    assert [s.loan.contract_number for s in snapshots] == ["KV-FOR-1", "KV-OWN-1"]
    assert snapshots[0].days_past_due == 15  # due 28 February, checked 15 March
    body = response.content.decode()
    assert reverse("loan_detail", args=[portfolio["own_late"].pk]) in body
    assert portfolio["own_late"].borrower.last_name in body
    assert "KV-OWN-2" not in body  # paid: not in arrears
    assert reverse("quality_measure_record", args=[AS_OF]) in body


def test_the_detail_as_advisor_shows_their_quarters_only(network, portfolio):
    response = client_for(network.advisor).get(reverse("check_detail", args=[AS_OF]))

    assert response.status_code == 200
    body = response.content.decode()
    assert [s.loan.contract_number for s in response.context["page_obj"]] == ["KV-OWN-1"]
    assert "KV-FOR-1" not in body
    assert portfolio["foreign"].borrower.last_name not in body
    assert network.foreign_quarter.name not in body
    assert "Duisburg" not in body
    assert response.context["total"].percent == D("66.67")  # the network's figure
    assert response.context["own"].percent == D("50.00")
    assert response.context["measure_form"] is None
    assert reverse("quality_measure_record", args=[AS_OF]) not in body


@pytest.mark.parametrize("day", ["2025-03-16", "2025-02-30", "2024-03-15"])
def test_a_day_without_a_check_answers_404(day, network, portfolio):
    response = client_for(network.staff).get(f"/monitoring/checks/{day}/")
    assert response.status_code == 404


def test_recording_a_measure_on_the_page(network, portfolio):
    url = reverse("quality_measure_record", args=[AS_OF])
    response = client_for(network.staff).post(url, {"text": "Sprechstunde verdoppelt"})

    assert response.status_code == 302
    assert response["Location"] == reverse("check_detail", args=[AS_OF]) + "#measures"
    assert QualityMeasure.objects.get().text == "Sprechstunde verdoppelt"
    page = client_for(network.staff).get(reverse("check_detail", args=[AS_OF]))
    assert "Sprechstunde verdoppelt" in page.content.decode()
    assert client_for(network.advisor).post(url, {"text": "x"}).status_code == 403


def test_a_bad_measure_keeps_the_typed_text(network, portfolio):
    typed = "y" * 4001
    response = client_for(network.staff).post(
        reverse("quality_measure_record", args=[AS_OF]), {"text": typed}
    )

    assert response.status_code == 400
    assert "text" in response.context["measure_form"].errors
    assert typed in response.content.decode()
    assert not QualityMeasure.objects.exists()


def test_closing_on_the_page_and_twice(network, portfolio):
    measure = _measure(portfolio["check"], network.staff)
    url = reverse("quality_measure_close", args=[measure.pk])

    assert client_for(network.advisor).post(url).status_code == 403
    first = client_for(network.staff).post(url)
    second = client_for(network.staff).post(url)

    assert first.status_code == 302
    assert second.status_code == 400
    assert second.context["close_error"][0] == measure.pk
    measure.refresh_from_db()
    assert measure.closed_by_id == network.staff.pk


def _check_with_snapshots(n: int) -> MonthlyCheck:
    with scopes_disabled():
        check = MonthlyCheck.objects.create(
            as_of=datetime.date(2024, 6, 15),
            status=MonthlyCheck.Status.DONE,
            active=n,
            disrupted=n,
        )
        quarter = factories.QuarterFactory()
        for i in range(n):
            loan = factories.LoanFactory(
                borrower=factories.BorrowerFactory(quarter=quarter),
                status=Loan.Status.RUNNING,
                closed_on=None,
            )
            LoanSnapshot.objects.create(
                check_run=check,
                loan=loan,
                quarter=quarter,
                municipality=quarter.municipality,
                amount_in_arrears=D("100.00"),
                oldest_unpaid_due_on=datetime.date(2024, 5, 30),
                days_past_due=16 + i,
            )
    return check


def _detail_queries(client, check) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("check_detail", args=[check.as_of]))
    assert response.status_code == 200
    return len(queries)


def test_the_detail_page_costs_the_same_queries_for_5_and_50_loans(network):
    client = client_for(network.staff)
    few = _check_with_snapshots(5)
    few_queries = _detail_queries(client, few)
    assert len(client.get(reverse("check_detail", args=[few.as_of])).context["page_obj"]) == 5
    with scopes_disabled():
        few.delete()
    many = _check_with_snapshots(50)
    many_queries = _detail_queries(client, many)
    response = client.get(reverse("check_detail", args=[many.as_of]))
    # Longest past due first.
    assert [s.days_past_due for s in response.context["page_obj"]][:2] == [65, 64]
    assert few_queries == many_queries


def test_the_arrears_are_paginated_by_50(network):
    check = _check_with_snapshots(51)
    client = client_for(network.staff)
    first = client.get(reverse("check_detail", args=[check.as_of]))
    second = client.get(reverse("check_detail", args=[check.as_of]) + "?page=2")
    assert len(first.context["page_obj"]) == 50
    assert [s.days_past_due for s in second.context["page_obj"]] == [16]
    # The page links keep the reader at the loans in arrears.
    assert 'href="?page=2#arrears" rel="next"' in first.content.decode()
    assert 'href="?page=1#arrears" rel="prev"' in second.content.decode()


# --- Links ----------------------------------------------------------------------------------------


def test_the_homes_link_the_checks(network, portfolio):
    url = reverse("check_list")
    for user in (network.staff, network.advisor):
        assert url in client_for(user).get(reverse("home")).content.decode()
    with scopes_disabled():
        assert selectors.latest_check().as_of == AS_OF


def _months(network, n: int) -> None:
    """`n` checks with a rate row for the own and the foreign quarter, and a measure each."""
    from monitoring.models import QuarterRate

    with scopes_disabled():
        MonthlyCheck.objects.all().delete()
        for i in range(n):
            check = MonthlyCheck.objects.create(
                as_of=datetime.date(2020 + i // 12, i % 12 + 1, 15),
                status=MonthlyCheck.Status.DONE,
                active=20,
                disrupted=4,
                requires_qa=True,
            )
            for quarter in (network.own_quarter, network.foreign_quarter):
                QuarterRate.objects.create(check_run=check, quarter=quarter, active=10, disrupted=2)
            QualityMeasure.objects.create(check_run=check, text="M", recorded_by=network.staff)


@pytest.mark.parametrize("role", ["staff", "advisor"])
def test_the_list_costs_the_same_queries_for_2_and_12_months(role, network):
    user = getattr(network, role)
    counts = []
    for n in (2, 12):
        _months(network, n)
        client = client_for(user)
        for query in ("", f"?quarter={network.own_quarter.pk}"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("check_list") + query)
            assert response.status_code == 200
            counts.append(len(queries))
        assert len(response.context["quarter_months"]) == n
    assert counts[:2] == counts[2:]
