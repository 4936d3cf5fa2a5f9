"""The monthly disruption check on the 15th: which loans are in arrears that day (due on the
15th counts, a payment of the 16th is too late), active loans per quarter, the month claimed
once, missed months caught up, the command and the scheduled task."""

import datetime
import os
import time
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.translation import override
from django_scopes import scopes_disabled

from credits import loan_services, servicing
from credits.models import Instalment, Loan, ScheduleVersion
from credits.servicing_selectors import payoff_amount
from miqua.audit.models import AuditEntry
from monitoring import selectors, services, tasks
from monitoring.models import LoanSnapshot, MonthlyCheck, QuarterRate
from tests import factories

D = Decimal
REDIS_URL = os.environ.get("REDIS_URL", "")


def _terms(contract: str, *, disbursed_on: datetime.date, instalment_day: int):
    return loan_services.LoanTerms(
        contract_number=contract,
        iban=factories.TEST_IBANS[0],
        disbursed_on=disbursed_on,
        amount=D("2400.00"),
        interest_rate=D("6.00"),
        term_months=12,
        instalment_day=instalment_day,
    )


def _loan(
    network,
    second_staff,
    *,
    quarter=None,
    disbursed_on=datetime.date(2025, 1, 10),
    instalment_day=15,
) -> Loan:
    """A running loan whose instalments fall on the 15th (by default): the check's own day."""
    quarter = quarter or network.own_quarter
    application = factories.approved_application(quarter=quarter, amount=D("2400.00"))
    loan = loan_services.loan_record(
        application=application,
        terms=_terms(
            f"KV-{application.pk:07d}", disbursed_on=disbursed_on, instalment_day=instalment_day
        ),
        actor=network.staff,
        today=disbursed_on,
    )
    return loan_services.loan_confirm(loan=loan, actor=second_staff)


def _outside_loan(network, second_staff, *, disbursed_on=datetime.date(2025, 1, 10)) -> Loan:
    borrower = factories.BorrowerFactory(quarter=None)
    loan = loan_services.loan_record_outside(
        borrower=borrower,
        terms=_terms("AQ-1", disbursed_on=disbursed_on, instalment_day=15),
        actor=network.staff,
        today=disbursed_on,
    )
    return loan_services.loan_confirm(loan=loan, actor=second_staff)


def _current(loan: Loan) -> list[Instalment]:
    return list(Instalment.objects.filter(loan=loan, is_current=True).order_by("due_on"))


def _pay(loan: Loan, amount: Decimal, day: datetime.date, actor) -> None:
    loan_services.payment_record(loan=loan, amount=amount, value_date=day, actor=actor, today=day)


def _snapshot(check: MonthlyCheck, loan: Loan) -> LoanSnapshot | None:
    return LoanSnapshot.objects.filter(check_run=check, loan=loan).first()


# --- What counts as disrupted on the 15th ------------------------------------------------------


def test_an_instalment_due_on_the_15th_itself_and_unpaid_counts(network, second_staff, unscoped):
    unpaid = _loan(network, second_staff)
    paid = _loan(network, second_staff)
    first = _current(unpaid)[0]
    assert first.due_on.day == 15
    _pay(paid, _current(paid)[0].amount, first.due_on, network.staff)

    check = services.monthly_check_run(as_of=first.due_on)

    snapshot = _snapshot(check, unpaid)
    assert snapshot is not None
    assert snapshot.amount_in_arrears == first.amount
    assert snapshot.oldest_unpaid_due_on == first.due_on
    assert snapshot.days_past_due == 0
    assert snapshot.quarter_id == network.own_quarter.pk
    assert snapshot.municipality_id == network.own_quarter.municipality_id
    assert _snapshot(check, paid) is None
    assert (check.active, check.disrupted) == (2, 1)
    rate = QuarterRate.objects.get(check_run=check)
    assert (rate.quarter_id, rate.active, rate.disrupted) == (network.own_quarter.pk, 2, 1)


def test_a_partial_payment_leaves_the_rest_in_arrears(network, second_staff, unscoped):
    loan = _loan(network, second_staff)
    first = _current(loan)[0]
    _pay(loan, D("100.00"), first.due_on - datetime.timedelta(days=3), network.staff)

    check = services.monthly_check_run(as_of=first.due_on)

    assert _snapshot(check, loan).amount_in_arrears == first.amount - D("100.00")


def test_a_payment_arriving_on_the_16th_is_too_late_for_the_15th(network, second_staff, unscoped):
    loan = _loan(network, second_staff)
    first = _current(loan)[0]
    second = _current(loan)[1]
    _pay(loan, first.amount, first.due_on + datetime.timedelta(days=1), network.staff)

    # The check runs after the payment was booked: it still asks what was unpaid on the 15th.
    check = services.monthly_check_run(as_of=first.due_on)
    later = services.monthly_check_run(as_of=second.due_on)

    assert _snapshot(check, loan).amount_in_arrears == first.amount
    # A month later the first instalment is settled; only the second (due that day) is open.
    assert _snapshot(later, loan).amount_in_arrears == second.amount
    assert _snapshot(later, loan).oldest_unpaid_due_on == second.due_on


def test_a_rescheduled_loan_owes_the_instalments_of_the_schedule_in_force(
    network, second_staff, unscoped
):
    loan = _loan(network, second_staff, instalment_day=30, disbursed_on=datetime.date(2025, 1, 15))
    old = _current(loan)
    for instalment in old[:2]:
        _pay(loan, instalment.amount, instalment.due_on, network.staff)
    proposal = servicing.rescheduling_propose(
        loan=loan,
        kind=ScheduleVersion.Kind.PAUSE,
        pause_months=3,
        valid_from=old[2].due_on,
        reason="Krankheit",
        actor=network.staff,
        today=old[1].due_on,
    )
    servicing.rescheduling_decide(version=proposal, approve=True, actor=second_staff)
    new_first = proposal.instalments.order_by("number").first()
    assert new_first.principal == 0  # the pause: interest only

    as_of = (new_first.due_on + datetime.timedelta(days=20)).replace(day=15)
    check = services.monthly_check_run(as_of=as_of)

    # Owed is the pause's interest, not the old schedule's full instalment of that month.
    assert _snapshot(check, loan).amount_in_arrears == new_first.amount
    assert new_first.amount < old[2].amount


def test_a_closed_loan_is_no_longer_active(network, second_staff, unscoped):
    loan = _loan(network, second_staff)
    other = _loan(network, second_staff)
    day = datetime.date(2025, 3, 20)
    for instalment in _current(loan)[:2]:
        _pay(loan, instalment.amount, instalment.due_on, network.staff)
    payoff = payoff_amount(loan=loan, day=day)
    servicing.loan_repay_early(
        loan=loan, value_date=day, amount=payoff.total, actor=network.staff, today=day
    )

    before = services.monthly_check_run(as_of=datetime.date(2025, 3, 15))
    after = services.monthly_check_run(as_of=datetime.date(2025, 4, 15))

    assert before.active == 2
    assert after.active == 1
    assert _snapshot(after, loan) is None
    assert _snapshot(after, other) is not None


def test_a_loan_outside_the_quarters_has_its_own_rate_row(network, second_staff, unscoped):
    inside = _loan(network, second_staff)
    outside = _outside_loan(network, second_staff)
    _pay(inside, _current(inside)[0].amount, _current(inside)[0].due_on, network.staff)
    as_of = _current(outside)[0].due_on

    check = services.monthly_check_run(as_of=as_of)

    rates = {
        r.quarter_id: (r.active, r.disrupted) for r in QuarterRate.objects.filter(check_run=check)
    }
    assert rates == {network.own_quarter.pk: (1, 0), None: (1, 1)}
    snapshot = _snapshot(check, outside)
    assert (snapshot.quarter_id, snapshot.municipality_id) == (None, None)
    by_quarter = selectors.rates_by_quarter(check=check)
    assert [(r.label, r.percent) for r in by_quarter] == [
        (str(network.own_quarter), D("0.00")),
        (str(selectors.OUTSIDE_LABEL), D("100.00")),
    ]
    inside_rate, outside_rate = selectors.rates_inside_outside(check=check)
    assert (inside_rate.active, inside_rate.disrupted) == (1, 0)
    assert (outside_rate.active, outside_rate.disrupted) == (1, 1)
    assert selectors.rate_total(check=check).percent == D("50.00")
    assert [(r.label, r.active) for r in selectors.rates_by_municipality(check=check)] == [
        (network.own_quarter.municipality.name, 1)
    ]
    # 50 % is above the standard of 10 %: the month needs quality measures.
    assert check.standard_percent == D("10.00")
    assert check.requires_qa


def test_a_month_at_the_standard_needs_no_quality_measures(network, second_staff, unscoped):
    loans = [_loan(network, second_staff) for _ in range(10)]
    for loan in loans[1:]:
        _pay(loan, _current(loan)[0].amount, _current(loan)[0].due_on, network.staff)

    check = services.monthly_check_run(as_of=_current(loans[0])[0].due_on)

    assert (check.active, check.disrupted) == (10, 1)
    assert not check.requires_qa  # 10 % is the standard itself, not above it


def test_the_shares_over_all_checks(network, second_staff, unscoped):
    late = _loan(network, second_staff)
    _loan(network, second_staff)  # paid out, never checked in arrears: paid ahead
    on_time = _current(late)[0]
    for loan in Loan.objects.exclude(pk=late.pk):
        _pay(loan, on_time.amount, on_time.due_on, network.staff)
    services.monthly_check_run(as_of=on_time.due_on)

    assert selectors.ever_disrupted_share() == D("50.00")
    assert selectors.closed_repaid_share() == D("0.00")


# --- Once per month ---------------------------------------------------------------------------


def test_a_second_run_returns_the_month_unchanged(network, second_staff, unscoped):
    loan = _loan(network, second_staff)
    as_of = _current(loan)[0].due_on
    check = services.monthly_check_run(as_of=as_of, actor=network.staff)
    snapshots = list(LoanSnapshot.objects.values_list("pk", "amount_in_arrears"))
    # The ledger moves on; the month's result does not.
    _pay(loan, _current(loan)[0].amount, as_of, network.staff)

    again = services.monthly_check_run(as_of=as_of, actor=network.staff)

    assert again.pk == check.pk
    assert (again.active, again.disrupted) == (1, 1)
    assert list(LoanSnapshot.objects.values_list("pk", "amount_in_arrears")) == snapshots
    assert QuarterRate.objects.count() == 1
    assert AuditEntry.objects.filter(action="monthly_check.done").count() == 1


def test_only_the_15th_is_a_check_day_and_only_staff_run_it_by_hand(network, unscoped):
    with pytest.raises(ValidationError) as refused:
        services.monthly_check_run(as_of=datetime.date(2025, 3, 14))
    assert refused.value.code == "not_the_15th"
    assert "15." in refused.value.messages[0]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.monthly_check_run(as_of=datetime.date(2025, 3, 15), actor=network.advisor)
    assert not MonthlyCheck.objects.exists()


# --- Catching up ------------------------------------------------------------------------------


def test_a_run_on_the_17th_checks_as_of_the_15th(network, second_staff, unscoped):
    loan = _loan(network, second_staff)
    first = _current(loan)[0]
    # Paid on the 16th: too late for the 15th, even though the run comes on the 17th.
    _pay(loan, first.amount, first.due_on + datetime.timedelta(days=1), network.staff)

    checks = services.monthly_checks_catch_up(today=first.due_on + datetime.timedelta(days=2))

    # From the first 15th after the payout (10 January): 15 January (nothing due) and the 15th
    # of the first instalment.
    assert [c.as_of for c in checks] == [datetime.date(2025, 1, 15), first.due_on]
    assert checks[0].disrupted == 0
    assert _snapshot(checks[-1], loan).amount_in_arrears == first.amount


def test_three_missed_months_are_three_checks_oldest_first(network, second_staff, unscoped):
    loan = _loan(network, second_staff)
    services.monthly_check_run(as_of=datetime.date(2025, 2, 15))

    checks = services.monthly_checks_catch_up(today=datetime.date(2025, 5, 20))

    assert [c.as_of for c in checks] == [
        datetime.date(2025, 3, 15),
        datetime.date(2025, 4, 15),
        datetime.date(2025, 5, 15),
    ]
    # Nothing paid: the same loan, a month longer overdue each time.
    snapshots = [_snapshot(c, loan) for c in checks]
    assert {s.oldest_unpaid_due_on for s in snapshots} == {datetime.date(2025, 2, 15)}
    assert [s.days_past_due for s in snapshots] == [28, 59, 89]
    assert snapshots[0].amount_in_arrears < snapshots[1].amount_in_arrears
    assert MonthlyCheck.objects.count() == 4
    # Run again the same day: nothing left to check.
    assert services.monthly_checks_catch_up(today=datetime.date(2025, 5, 20)) == []


def test_catch_up_from_a_start_and_without_loans(network, unscoped):
    assert services.monthly_checks_catch_up(today=datetime.date(2025, 5, 20)) == []
    checks = services.monthly_checks_catch_up(
        today=datetime.date(2025, 5, 15), start=datetime.date(2025, 3, 16)
    )
    assert [c.as_of for c in checks] == [datetime.date(2025, 4, 15), datetime.date(2025, 5, 15)]


# --- The command ------------------------------------------------------------------------------


def test_the_command_prints_a_line_per_quarter_and_books_a_month_once(
    network, second_staff, unscoped
):
    own = _loan(network, second_staff)
    _loan(network, second_staff, quarter=network.foreign_quarter)
    _pay(own, _current(own)[0].amount, _current(own)[0].due_on, network.staff)
    as_of = _current(own)[0].due_on
    out = StringIO()

    with override("en"):
        call_command("run_monthly_checks", "--as-of", as_of.isoformat(), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == f"Check as of {as_of:%d.%m.%Y}:"
    assert f"  {network.foreign_quarter}: 1 of 1 disrupted (100.00 %)" in lines
    assert f"  {network.own_quarter}: 0 of 1 disrupted (0.00 %)" in lines
    assert lines[-1].startswith("  Total: 1 of 2 disrupted (50.00 %), standard 10.00 %")
    assert "quality measures required" in lines[-1]

    # Run from a shell, the command speaks the site's language, German, throughout.
    again = StringIO()
    with override("de"):
        call_command("run_monthly_checks", "--as-of", as_of.isoformat(), stdout=again)
        total = str(selectors.TOTAL_LABEL)
    assert "bereits geprüft" in again.getvalue()
    assert f"{total}: 1 von 2 gestört (50,00 %), Standard 10,00 %" in again.getvalue()
    assert "disrupted" not in again.getvalue()
    assert MonthlyCheck.objects.count() == 1
    assert LoanSnapshot.objects.count() == 1


@pytest.mark.parametrize("value", ["2025-03-14", "15.03.2025", "2025-02-30"])
def test_the_command_refuses_a_day_that_is_not_a_15th(value, network, unscoped):
    with pytest.raises(CommandError) as refused:
        call_command("run_monthly_checks", "--as-of", value, stdout=StringIO())
    assert "15" in str(refused.value) or "YYYY-MM-DD" in str(refused.value)
    assert not MonthlyCheck.objects.exists()


# --- The schedule -----------------------------------------------------------------------------


def test_the_beat_runs_the_task_on_the_15th_in_the_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-disruption-check"]
    assert entry["task"] == tasks.run_monthly_checks.name
    schedule = entry["schedule"]
    assert schedule.day_of_month == {15}
    assert (schedule.hour, schedule.minute) == ({6}, {0})
    # And every morning after it, so a missed 15th does not wait a month.
    catch_up = settings.CELERY_BEAT_SCHEDULE["monthly-disruption-check-catch-up"]
    assert catch_up["task"] == tasks.run_monthly_checks.name
    assert len(catch_up["schedule"].day_of_month) == 31


@pytest.fixture
def real_worker(transactional_db):
    if not REDIS_URL:
        pytest.skip("needs REDIS_URL (a Redis server)")
    from celery.contrib.testing.worker import start_worker

    from miqua.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS_URL
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_the_task_goes_through_redis_to_a_worker_and_checks_the_months(
    network, second_staff, real_worker
):
    from django.utils import timezone

    today = timezone.localdate()
    disbursed = (today.replace(day=1) - datetime.timedelta(days=40)).replace(day=1)
    with scopes_disabled():
        _loan(network, second_staff, disbursed_on=disbursed)

    tasks.run_monthly_checks.delay()

    expected = services.next_check_day(disbursed)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if MonthlyCheck.objects.filter(as_of=expected, status=MonthlyCheck.Status.DONE).exists():
            break
        time.sleep(0.1)
    assert MonthlyCheck.objects.filter(as_of=expected, active=1).exists()
    # The newest month is mailed through the worker too (the advisor and the three of the back
    # office): wait for it, so that no mail is left in the queue for another test's worker.
    while time.monotonic() < deadline and len(mail.outbox) < 4:
        time.sleep(0.1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [
            network.advisor.email,
            network.staff.email,
            second_staff.email,
            network.administrator.email,
        ]
    )


# --- A loan's disruption history ----------------------------------------------------------------


def test_a_loans_history_shows_each_checked_15th_of_its_life(network, second_staff, unscoped):
    loan = _loan(network, second_staff)
    first, second, third = _current(loan)[:3]
    _pay(loan, first.amount, first.due_on, network.staff)
    # The second instalment arrives five days late: disrupted on its 15th, current again on
    # the next one, when the third is paid on time.
    _pay(loan, second.amount, second.due_on + datetime.timedelta(days=5), network.staff)
    _pay(loan, third.amount, third.due_on, network.staff)
    before_payout = services.monthly_check_run(as_of=datetime.date(2024, 12, 15))
    services.monthly_checks_catch_up(today=third.due_on)
    assert before_payout.as_of < loan.disbursed_on

    months = selectors.disruption_history(loan=loan)

    assert [m.as_of for m in months] == [
        third.due_on,
        second.due_on,
        first.due_on,
        datetime.date(2025, 1, 15),
    ]
    assert [m.disrupted for m in months] == [False, True, False, False]
    assert months[1].snapshot.amount_in_arrears == second.amount
    assert months[1].snapshot.days_past_due == 0

    # A closed loan's history ends with its closing: no month after it is listed.
    later = _loan(network, second_staff)
    Loan.objects.filter(pk=later.pk).update(
        status=Loan.Status.REPAID, closed_on=datetime.date(2025, 2, 1)
    )
    later.refresh_from_db()
    assert [m.as_of for m in selectors.disruption_history(loan=later)] == [
        datetime.date(2025, 1, 15)
    ]


def test_the_loan_page_shows_the_history_to_the_quarters_advisor(network, second_staff):
    with scopes_disabled():
        loan = _loan(network, second_staff)
        first = _current(loan)[0]
        services.monthly_check_run(as_of=first.due_on)
    client = Client()
    client.force_login(network.advisor)

    page = client.get(reverse("loan_detail", args=[loan.pk])).content.decode()

    assert 'id="disruptions"' in page
    assert f"{first.due_on:%d.%m.%Y}" in page
    assert page.count("month-disrupted") == 1
