import datetime
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from monitoring.models import MonthlyCheck, QuarterRate
from tests import factories


@pytest.fixture
def loans(network):
    """A repaid loan in the advisor's quarter and one in the foreign quarter."""
    with scopes_disabled():
        own = factories.LoanFactory(borrower__quarter=network.own_quarter)
        foreign = factories.LoanFactory(borrower__quarter=network.foreign_quarter)
    return own, foreign


@pytest.fixture
def check(network):
    """A finished check of the network: 3 of 40 active loans disrupted, with the rates of the
    own quarter (1 of 10) and of the foreign one (2 of 30)."""
    with scopes_disabled():
        check = MonthlyCheck.objects.create(
            as_of=datetime.date(2026, 11, 15),
            status=MonthlyCheck.Status.DONE,
            active=40,
            disrupted=3,
            standard_percent=Decimal("10.00"),
            requires_qa=False,
        )
        QuarterRate.objects.create(
            check_run=check, quarter=network.own_quarter, active=10, disrupted=1
        )
        QuarterRate.objects.create(
            check_run=check, quarter=network.foreign_quarter, active=30, disrupted=2
        )
    return check
