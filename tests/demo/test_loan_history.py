"""The demo's loan history reproduces the brochure's figures, measured from the ledger that
`seed_demo` builds through the services (not from the plan it follows).

Seeding the whole history takes seconds, so one test seeds and measures every figure."""

import datetime
import itertools
import re
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import DateField, ExpressionWrapper, F, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from credits.loan_selectors import arrears_at
from credits.models import (
    Application,
    BankEntry,
    BankStatement,
    CapacityReservation,
    FundLedgerEntry,
    Instalment,
    Loan,
    Payment,
    ScheduleVersion,
)
from guarantors.models import GuarantorClaim
from miqua.accounts.models import User
from monitoring import selectors as monitoring_selectors
from monitoring.models import MonthlyCheck
from tests.demo.brochure_dashboard import assert_the_dashboard_shows_the_brochures_figures

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime.date(2009, 2, 1)
LAST_DAY = datetime.date(2012, 10, 31)
CHECK_DAY = datetime.date(2012, 9, 15)
# A payment more than this many days after the due date is late.
GRACE = datetime.timedelta(days=10)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def running_on(day: datetime.date, loans):
    """The loans paid out by `day` and not closed (repaid or defaulted) by then."""
    return loans.filter(disbursed_on__lte=day).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )


def test_seed_demo_history_reproduces_the_brochure():
    out = seed()
    today = timezone.localdate()

    with scopes_disabled():
        history = Loan.objects.filter(disbursed_on__range=(FIRST_DAY, LAST_DAY))
        amounts = list(history.values_list("amount", flat=True))

        # About 150 microcredits between February 2009 and October 2012, 5,700 EUR on average.
        assert 140 <= len(amounts) <= 160
        average = sum(amounts) / len(amounts)
        assert Decimal("5400") <= average <= Decimal("6000"), average
        assert all(Decimal("500") <= a <= Decimal("20000") for a in amounts)
        assert min(history.values_list("disbursed_on", flat=True)) < datetime.date(2009, 3, 1)
        assert len(set(history.values_list("quarter_id", flat=True))) == 9

        # Repeat loans: people with two loans of the history.
        per_borrower = Counter(history.values_list("borrower_id", flat=True))
        assert sum(1 for n in per_borrower.values() if n >= 2) >= 5

        # Paid out through the services, by two people: one records, another confirms.
        staff, staff2 = (
            User.objects.get(email="staff@kiz.example"),
            User.objects.get(email="staff2@kiz.example"),
        )
        assert set(history.values_list("recorded_by", "confirmed_by").distinct()) == {
            (staff.pk, staff2.pk)
        }
        assert all(
            re.fullmatch(r"KV-20(09|1[0-2])-\d{4}", c)
            for c in history.values_list("contract_number", flat=True)
        )
        assert not CapacityReservation.objects.filter(
            application__loan__in=history, released_at__isnull=True
        ).exists()
        # Booked from the bank's monthly statements (its CSV export), each matched by the
        # contract number in the remittance text.
        payments = Payment.objects.filter(loan__in=history)
        assert payments.count() > 20 * len(amounts)
        assert set(payments.values_list("source", flat=True)) == {Payment.Source.STATEMENT}
        assert not payments.filter(bank_entry__isnull=True).exists()
        entries = BankEntry.objects.filter(loan__in=history)
        assert entries.count() == payments.count()
        assert set(entries.values_list("status", "matched_by").distinct()) == {
            (BankEntry.Status.BOOKED, BankEntry.MatchedBy.CONTRACT)
        }
        assert BankStatement.objects.filter(period_to__lte=datetime.date(2016, 1, 1)).count() > 44

        # 15 September 2012: about 12 % of the running loans have a due instalment unpaid,
        # from 0 % to about a third between the quarters.
        running = running_on(CHECK_DAY, history)
        late = arrears_at(day=CHECK_DAY, loans=running)
        share = len(late) / running.count()
        assert 0.10 <= share <= 0.14, share
        by_quarter = Counter(running.values_list("quarter__slug", flat=True))
        late_by_quarter = Counter(
            running.filter(pk__in=list(late)).values_list("quarter__slug", flat=True)
        )
        shares = {q: late_by_quarter[q] / n for q, n in by_quarter.items()}
        assert min(shares.values()) == 0, shares
        assert 0.25 <= max(shares.values()) <= 0.40, shares

        # About 40 % were late at some time: an instalment paid more than ten days after its
        # due date, or still unpaid.
        late_instalments = Instalment.objects.annotate(
            deadline=ExpressionWrapper(F("due_on") + GRACE, output_field=DateField())
        ).filter(
            Q(settled_on__gt=F("deadline")) | Q(settled_on__isnull=True, deadline__lt=today),
            is_current=True,
        )
        ever_late = history.filter(pk__in=late_instalments.values("loan_id")).count()
        assert 0.35 <= ever_late / len(amounts) <= 0.45, ever_late

        # Three defaults, each claimed from its guarantors first, the rest written off against
        # its quarter's fund; and 98 % of the closed loans repaid.
        defaulted = history.filter(status=Loan.Status.DEFAULTED)
        assert defaulted.count() == 3
        assert len(set(defaulted.values_list("quarter_id", flat=True))) == 3
        for loan in defaulted:
            claims = GuarantorClaim.objects.filter(loan=loan)
            assert claims.count() == 2
            claimed = sum(c.amount_demanded for c in claims)
            written_off = sum(
                FundLedgerEntry.objects.filter(
                    loan=loan, kind=FundLedgerEntry.Kind.WRITE_OFF
                ).values_list("amount", flat=True)
            )
            waived = sum(c.amount_waived for c in claims)
            repaid = sum(loan.allocations.values_list("principal", flat=True))
            # The guarantors bear half the amount at most; the fund the rest and the waived.
            assert 0 < claimed <= loan.amount / 2
            assert written_off > 0
            assert claimed + written_off - waived == loan.amount - repaid
        assert GuarantorClaim.objects.filter(status=GuarantorClaim.Status.WAIVED).count() == 1
        closed = history.filter(status__in=[Loan.Status.REPAID, Loan.Status.DEFAULTED])
        repaid_loans = history.filter(status=Loan.Status.REPAID)
        assert repaid_loans.count() / closed.count() >= 0.98
        assert closed.count() == len(amounts)
        assert not arrears_at(day=today, loans=history)

        # Today's portfolio: loans paid out in the last three years, running now.
        present = Loan.objects.filter(disbursed_on__gt=today - datetime.timedelta(days=3 * 365))
        now_running = running_on(today, present)
        assert now_running.count() >= 25
        in_arrears = arrears_at(day=today, loans=now_running)
        assert 2 <= len(in_arrears) <= 6
        # One of them waits for the second pair of eyes on a pause of three months.
        proposed = ScheduleVersion.objects.get(status=ScheduleVersion.Status.PROPOSED)
        assert proposed.loan_id in in_arrears
        # The repeat borrower of the demo applications: her first loan is of the history.
        nuray = Application.objects.get(
            business_name="Friseursalon Nuray", loan__isnull=True
        ).borrower
        assert list(nuray.loans.values_list("disbursed_on__year", "status")) == [
            (2010, Loan.Status.REPAID)
        ]

        # The monthly checks of the whole history, recorded by seed_demo: every 15th from the
        # first payout to today, with the brochure's September 2012.
        first_payout = min(history.values_list("disbursed_on", flat=True))
        checked = list(
            MonthlyCheck.objects.filter(status=MonthlyCheck.Status.DONE)
            .order_by("as_of")
            .values_list("as_of", flat=True)
        )
        # The first 15th on or after the first payout, then every month up to today's.
        assert datetime.timedelta(0) <= checked[0] - first_payout < datetime.timedelta(days=31)
        assert all(day.day == 15 for day in checked)
        assert all(
            (b.year, b.month) == (a.year + a.month // 12, a.month % 12 + 1)
            for a, b in itertools.pairwise(checked)
        )
        assert today - datetime.timedelta(days=31) < checked[-1] <= today
        september = MonthlyCheck.objects.get(as_of=CHECK_DAY)
        assert (september.disrupted, september.active) == (len(late), running.count())
        assert september.requires_qa
        percents = [rate.percent for rate in monitoring_selectors.rates_by_quarter(check=september)]
        assert min(percents) == 0 and Decimal("25") <= max(percents) <= Decimal("40"), percents
        assert Decimal("35") <= monitoring_selectors.ever_disrupted_share() <= Decimal("45")
        assert monitoring_selectors.closed_repaid_share() >= Decimal("98")

    counts = {
        model: model._base_manager.count()
        for model in (Loan, Payment, Instalment, Application, CapacityReservation, MonthlyCheck)
    }
    created = int(re.search(r"created (\d+) objects, 0 already present", out).group(1))

    # The staff's portfolio dashboard shows the same brochure figures.
    assert_the_dashboard_shows_the_brochures_figures()

    again = seed()

    assert f"created 0 objects, {created} already present" in again
    assert {model: model._base_manager.count() for model in counts} == counts
