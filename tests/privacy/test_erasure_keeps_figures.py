"""An erasure keeps every figure: the portfolio dashboard, each municipality's dashboard, the
monthly checks and the home pages' fund figures are the same objects before and after the
demo network's people are erased."""

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from credits.models import Borrower, Loan
from miqua.privacy import services
from monitoring import selectors as check_selectors
from monitoring.models import MonthlyCheck
from monitoring.municipality_selectors import municipality_dashboard
from monitoring.portfolio_selectors import portfolio_dashboard
from quarters.models import Municipality
from quarters.selectors import quarter_overviews
from tests.demo_seed import seed_short_demo


def _figures() -> dict[str, object]:
    today = timezone.localdate()
    with scopes_disabled():
        checks = list(MonthlyCheck.objects.order_by("as_of"))
        return {
            "portfolio": portfolio_dashboard(today=today),
            "municipalities": [
                municipality_dashboard(
                    municipality=municipality, quarters=list(municipality.quarters.all())
                )
                for municipality in Municipality.objects.order_by("pk")
            ],
            "checks": check_selectors.checks_overview(),
            "rates": [
                (
                    check_selectors.rate_total(check=check),
                    check_selectors.rates_by_quarter(check=check),
                    check_selectors.rates_by_municipality(check=check),
                    check_selectors.rates_inside_outside(check=check),
                    list(
                        check_selectors.arrears_of_check(check=check).values_list(
                            "loan_id", "amount_in_arrears", "days_past_due"
                        )
                    ),
                )
                for check in checks
            ],
            "shares": (
                check_selectors.ever_disrupted_share(),
                check_selectors.closed_repaid_share(),
            ),
            "funds": quarter_overviews(),
        }


def test_every_figure_stays_the_same_after_an_erasure(db, monkeypatch):
    seed_short_demo(monkeypatch)
    before = _figures()

    # Far ahead: every closed loan's retention and every ended application's period is over.
    erasures = services.erasures_run(today=datetime.date(2100, 1, 1))

    reasons = {erasure.reason for erasure in erasures}
    assert {"credits.loans", "credits.applications", "guarantors.loans"} <= reasons
    with scopes_disabled():
        erased_with_loans = Loan.objects.filter(
            borrower__in=Borrower.objects.filter(first_name="Person")
        )
        assert erased_with_loans.filter(status=Loan.Status.DEFAULTED).count() == 3
        # The running loans' people are kept.
        assert not erased_with_loans.filter(status=Loan.Status.RUNNING).exists()
    after = _figures()
    assert after == before
