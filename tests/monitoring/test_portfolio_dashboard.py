"""The staff portfolio dashboard (/monitoring/portfolio/): its figures against hand-computed
values on a small portfolio, who may see it, its empty state, and its queries, which do not
grow with the number of loans or quarters."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from credits import loan_services, servicing
from credits.models import Instalment, Loan
from credits.servicing_selectors import payoff_amount
from monitoring import portfolio_selectors
from monitoring.models import MonthlyCheck, QuarterRate
from monitoring.portfolio_selectors import CapState
from tests import factories
from tests.clients import client_for

D = Decimal
TODAY = timezone.localdate()
URL = "/monitoring/portfolio/"


def _ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def _paid_out(network, second_staff, quarter, *, amount, days_ago, number):
    return factories.paid_out_loan(
        quarter=quarter,
        recorder=network.staff,
        confirmer=second_staff,
        amount=D(amount),
        disbursed_on=_ago(days_ago),
        term_months=24,
        contract_number=number,
    )


def _pay(loan, actor, count: int) -> Instalment:
    """Pay the loan's first `count` instalments in full on their due dates; the last one paid."""
    instalments = list(
        Instalment.objects.filter(loan=loan, is_current=True).order_by("due_on")[:count]
    )
    for instalment in instalments:
        loan_services.payment_record(
            loan=loan,
            amount=instalment.amount,
            value_date=instalment.due_on,
            actor=actor,
            today=TODAY,
        )
    return instalments[-1]


@pytest.fixture
def book(network, second_staff):
    """Six loans with known payouts and payments (24 months each, the first instalment due on
    the 30th of the month after the payout, so 28 to 61 days after it):

    - A, own quarter, 4,000 € paid out 250 days ago, nothing paid: its oldest instalment is
      189 to 222 days overdue (PAR30 and PAR90);
    - B, foreign quarter, 3,000 € paid out 110 days ago, nothing paid: 49 to 82 days overdue
      (PAR30 only);
    - C, own quarter, 5,000 € paid out 250 days ago, its due instalments paid: current;
    - D, foreign quarter, 2,000 € paid out 400 days ago, two instalments paid, defaulted 10
      days ago (no guarantees: the rest written off against its fund), 100 € recovered since;
    - E, own quarter, 1,000 € paid out 500 days ago, repaid early 300 days ago;
    - F, outside the quarters, 3,000 € paid out 20 days ago: nothing due yet.
    """
    staff = network.staff
    with scopes_disabled():
        a = _paid_out(
            network, second_staff, network.own_quarter, amount=4000, days_ago=250, number="KV-A"
        )
        b = _paid_out(
            network, second_staff, network.foreign_quarter, amount=3000, days_ago=110, number="KV-B"
        )
        c = _paid_out(
            network, second_staff, network.own_quarter, amount=5000, days_ago=250, number="KV-C"
        )
        due_c = Instalment.objects.filter(loan=c, is_current=True, due_on__lte=TODAY).count()
        last_c = _pay(c, staff, due_c)
        d = _paid_out(
            network, second_staff, network.foreign_quarter, amount=2000, days_ago=400, number="KV-D"
        )
        last_d = _pay(d, staff, 2)
        servicing.loan_declare_default(
            loan=d, reason="Geschäft aufgegeben", day=_ago(10), actor=staff, today=TODAY
        )
        servicing.loan_recovery_record(
            loan=d, amount=D("100.00"), value_date=_ago(5), actor=staff, today=TODAY
        )
        e = _paid_out(
            network, second_staff, network.own_quarter, amount=1000, days_ago=500, number="KV-E"
        )
        payoff = payoff_amount(loan=e, day=_ago(300)).total
        servicing.loan_repay_early(
            loan=e, value_date=_ago(300), amount=payoff, actor=staff, today=TODAY
        )
        f = factories.outside_loan(
            recorder=staff, confirmer=second_staff, contract_number="KV-F", disbursed_on=_ago(20)
        )
    return {
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "e": e,
        "f": f,
        "c_left": last_c.balance,
        "d_left": last_d.balance,
    }


def test_the_figures_match_the_hand_computed_ones(network, book, unscoped):
    dashboard = portfolio_selectors.portfolio_dashboard(today=TODAY)

    c_left, d_left = book["c_left"], book["d_left"]
    outstanding = D("4000") + D("3000") + c_left + D("3000")
    # Running: A, B, C inside the quarters, F outside.
    assert dashboard.running_count == 4
    assert (dashboard.share.inside_count, dashboard.share.outside_count) == (3, 1)
    assert dashboard.outstanding == outstanding
    assert dashboard.share.outside_outstanding == D("3000.00")

    # Paid out: all six, by year of their payout.
    by_year: dict[int, tuple[int, Decimal]] = {}
    for loan in book.values():
        if isinstance(loan, Loan):
            n, volume = by_year.get(loan.disbursed_on.year, (0, D("0")))
            by_year[loan.disbursed_on.year] = (n + 1, volume + loan.amount)
    assert [(y.year, y.count, y.volume) for y in dashboard.by_year] == sorted(
        (year, n, volume) for year, (n, volume) in by_year.items()
    )
    assert dashboard.disbursed.count == 6
    assert dashboard.disbursed.volume == D("18000.00")

    # PAR30: A and B; PAR90: A only.
    par30, par90 = dashboard.risk
    assert (par30.days, par30.count, par30.outstanding) == (30, 2, D("7000.00"))
    assert (par90.days, par90.count, par90.outstanding) == (90, 1, D("4000.00"))
    assert par30.percent == (D("7000") * 100 / outstanding).quantize(D("0.1"))
    assert par90.percent == (D("4000") * 100 / outstanding).quantize(D("0.1"))

    # D defaulted owing the balance after its second instalment: no guarantor, so all of it
    # was written off against the foreign quarter's fund; 100 € came back since.
    x = dashboard.defaults
    assert x.count == 1
    assert x.principal_at_default == d_left
    assert x.paid_by_guarantors == D("0.00")
    assert x.written_off == d_left
    assert x.recovered == D("100.00")
    assert x.fund_recoveries == D("100.00")
    assert x.net_loss == d_left - D("100.00")

    # Closed: D (2,000 paid out, 2,000 - d_left repaid) and E (1,000, all repaid).
    assert dashboard.closed.count == 2
    assert dashboard.closed.disbursed == D("3000.00")
    assert dashboard.closed.repaid == D("3000.00") - d_left
    assert dashboard.closed.percent == ((D("3000") - d_left) * 100 / D("3000")).quantize(D("0.1"))

    # The microfinancier's own liability: F against 20 % of the whole outstanding portfolio.
    own = dashboard.own_liability
    assert own.outside_outstanding == D("3000.00")
    assert own.cap == (outstanding / 5).quantize(D("0.01"))
    assert own.cap_used_percent == (D("3000") * 100 / own.cap).quantize(D("0.1"))

    # The quarters' table: own quarter runs A and C, the foreign one B.
    rows = {row.overview.quarter.pk: row for row in dashboard.quarters}
    own_row = rows[network.own_quarter.pk]
    assert (own_row.running.count, own_row.running.volume) == (2, D("4000") + c_left)
    assert (own_row.disbursed.count, own_row.disbursed.volume) == (3, D("10000.00"))
    assert own_row.overview.figures.outstanding_exposure == D("4000") + c_left
    foreign_row = rows[network.foreign_quarter.pk]
    assert (foreign_row.running.count, foreign_row.running.volume) == (1, D("3000.00"))
    assert (dashboard.outside_running.count, dashboard.outside_disbursed.volume) == (1, D("3000"))


def _liability(outside: str, total: str) -> portfolio_selectors.OwnLiability:
    return portfolio_selectors.OwnLiability(
        outside_outstanding=D(outside),
        total_outstanding=D(total),
        cap_percent=D("20.00"),
        warn_percent=D("80.00"),
    )


@pytest.mark.parametrize(
    ("outside", "total", "state"),
    [
        ("0.00", "100000.00", CapState.OK),
        ("15999.99", "100000.00", CapState.OK),  # 79.99 % of the 20,000 € cap
        ("16000.00", "100000.00", CapState.NEAR),  # 80 %
        ("20000.00", "100000.00", CapState.NEAR),  # at the cap, not over it
        ("20000.01", "100000.00", CapState.OVER),
    ],
)
def test_the_own_liability_warns_near_the_cap_and_over_it(outside, total, state):
    assert _liability(outside, total).state == state


def test_staff_see_the_figures_german_with_a_warning_over_the_cap(network, book):
    response = client_for(network.staff).get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    # F (3,000 €) is far above 20 % of a portfolio of about 16,000 €.
    assert 'id="own-liability-warning"' in body
    assert "überschreiten die Haftungsgrenze" in body
    assert "18.000,00\u00a0€" in body  # paid out since the start
    assert "4.000,00\u00a0€" in body  # PAR90
    assert 'data-chart="bar"' in body
    assert "Außerhalb der Quartiere" in body


def test_the_page_is_the_back_offices(network):
    expected = {
        "advisor": 403,
        "committee_member": 403,
        "municipality_viewer": 403,
        "staff": 200,
        "administrator": 200,
    }
    answers = {
        role: client_for(user).get(URL).status_code
        for role, user in network.users_by_role().items()
    }
    assert answers == expected


def test_the_staff_home_links_the_dashboard_and_the_advisors_does_not(network):
    staff_home = client_for(network.staff).get(reverse("home")).content.decode()
    advisor_home = client_for(network.advisor).get(reverse("home")).content.decode()
    assert f'href="{URL}"' in staff_home
    assert f'href="{URL}"' not in advisor_home


def test_without_loans_the_page_says_so(network):
    body = client_for(network.staff).get(URL).content.decode()

    assert "Es wurde noch kein Kredit ausgezahlt." in body
    assert "Kein Kredit ist ausgefallen." in body
    assert "Noch kein Monat ist geprüft." in body
    assert 'id="own-liability-warning"' not in body


def _checks(network) -> None:
    """Two finished 15ths: the network at 3 of 40, then 2 of 20; the own quarter 1 of 10 and
    then none active (a gap in its line)."""
    with scopes_disabled():
        first = MonthlyCheck.objects.create(
            as_of=datetime.date(2012, 8, 15),
            status=MonthlyCheck.Status.DONE,
            active=40,
            disrupted=3,
            standard_percent=D("10.00"),
        )
        MonthlyCheck.objects.create(
            as_of=datetime.date(2012, 9, 15),
            status=MonthlyCheck.Status.DONE,
            active=20,
            disrupted=2,
            standard_percent=D("10.00"),
        )
        QuarterRate.objects.create(
            check_run=first, quarter=network.own_quarter, active=10, disrupted=1
        )


def test_the_rate_line_is_the_portfolios_or_the_picked_quarters(network):
    _checks(network)
    client = client_for(network.staff)

    whole = client.get(URL).content.decode()
    picked = client.get(URL, {"quarter": network.own_quarter.pk}).content.decode()

    assert 'data-value="7.50"' in whole and 'data-value="10.00"' in whole
    assert "Das ganze Portfolio" in whole
    assert 'data-value="10.00"' in picked  # 1 of 10 in August
    assert 'data-value=""' in picked  # none active in September: no rate
    assert network.own_quarter.name in picked
    assert client.get(URL, {"quarter": "x"}).status_code == 404


def _spread(network, second_staff, count: int, *, prefix: str) -> None:
    """`count` loans over the three quarters and outside them, some late, one defaulted."""
    quarters = [network.own_quarter, network.sibling_quarter, network.foreign_quarter]
    with scopes_disabled():
        for i in range(count):
            if i % 5 == 4:
                factories.outside_loan(
                    recorder=network.staff,
                    confirmer=second_staff,
                    contract_number=f"KV-{prefix}-O{i}",
                    disbursed_on=_ago(60 + i),
                )
                continue
            loan = _paid_out(
                network,
                second_staff,
                quarters[i % 3],
                amount=1000 + i,
                days_ago=100 + 5 * i,
                number=f"KV-{prefix}-{i}",
            )
            if i % 2:
                _pay(loan, network.staff, 1)
        servicing.loan_declare_default(
            loan=loan, reason="Insolvenz", day=_ago(1), actor=network.staff, today=TODAY
        )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_the_queries_do_not_grow_with_the_loans_or_quarters(network, second_staff):
    _checks(network)
    client = client_for(network.staff)
    _spread(network, second_staff, 5, prefix="few")
    few = _queries(client)

    with scopes_disabled():
        for n in range(4):
            factories.LiabilityFundFactory(
                quarter__municipality=network.own_quarter.municipality,
                quarter__name=f"Quartier {n}",
                quarter__slug=f"quartier-{n}",
            )
    _spread(network, second_staff, 45, prefix="many")
    many = _queries(client)

    with scopes_disabled():
        assert Loan.objects.count() == 50
    assert few == many
