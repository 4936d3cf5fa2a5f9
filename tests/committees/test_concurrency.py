"""Approvals racing for the last of a fund's lending capacity, on PostgreSQL: the lock on the
fund row in `credits.services.capacity_reserve` lets exactly as many through as the capacity
carries, however many arrive at the same moment."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation
from django_scopes import scopes_disabled

from credits.models import Application, CapacityReservation
from credits.services import application_transition
from miqua.accounts.models import Role
from quarters.selectors import fund_figures
from tests import factories

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


def fund_with_applications(*, capital: str, amounts: list[str]):
    """A fund of `capital` (five-fold capacity) and applications before its committee."""
    with scopes_disabled():
        fund = factories.LiabilityFundFactory()
        factories.FundContributionFactory(fund=fund, amount=Decimal(capital))
        factories.LoanProductFactory()
        advisor = factories.UserFactory(role=Role.ADVISOR, quarters=[fund.quarter])
        applications = [
            factories.ApplicationFactory(
                quarter=fund.quarter,
                advisor=advisor,
                amount=Decimal(amount),
                status=Application.Status.BEFORE_COMMITTEE,
            )
            for amount in amounts
        ]
    staff = factories.UserFactory(role=Role.STAFF)
    return fund, applications, staff


def race(applications, staff) -> tuple[list[int], list[ValidationError]]:
    """Approve every application at once, each in its own thread and database connection."""
    barrier = threading.Barrier(len(applications))
    approved: list[int] = []
    refused: list[ValidationError] = []
    lock = threading.Lock()

    def approve(application: Application) -> None:
        try:
            barrier.wait(timeout=30)
            with scopes_disabled(), translation.override("en"):
                try:
                    application_transition(
                        application=application, name="approve", actor=staff, by_committee=True
                    )
                except ValidationError as e:
                    with lock:
                        refused.append(e)
                else:
                    with lock:
                        approved.append(application.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return approved, refused


def active_reservations() -> Decimal:
    with scopes_disabled():
        amounts = CapacityReservation.objects.filter(released_at__isnull=True).values_list(
            "amount", flat=True
        )
        return sum(amounts, Decimal("0.00"))


def test_twelve_approvals_at_once_take_exactly_the_capacity(postgres):
    fund, applications, staff = fund_with_applications(capital="10000.00", amounts=["5000.00"] * 12)
    with scopes_disabled():
        assert fund_figures(fund=fund).lending_capacity == Decimal("50000.00")

    approved, refused = race(applications, staff)

    assert len(approved) == 10
    assert len(refused) == 2
    for error in refused:
        assert error.code == "capacity"
        assert (
            "cannot carry this loan: 5,000.00\u00a0€ asked, 0.00\u00a0€ of lending capacity left"
            in (error.messages[0])
        )
    assert active_reservations() == Decimal("50000.00")
    with scopes_disabled():
        figures = fund_figures(fund=fund)
        statuses = sorted(Application.objects.values_list("status", flat=True))
        reserved_for = set(CapacityReservation.objects.values_list("application_id", flat=True))
    assert figures.available_capacity == Decimal("0.00")
    assert figures.outstanding_exposure == Decimal("50000.00")
    assert (
        statuses == [Application.Status.APPROVED] * 10 + [Application.Status.BEFORE_COMMITTEE] * 2
    )
    assert reserved_for == set(approved)


def test_amounts_that_do_not_divide_the_capacity_stop_below_it(postgres):
    fund, applications, staff = fund_with_applications(capital="10000.00", amounts=["9000.00"] * 7)

    approved, refused = race(applications, staff)

    assert len(approved) == 5
    assert len(refused) == 2
    for error in refused:
        assert error.code == "capacity"
        assert "5,000.00\u00a0€ of lending capacity left" in error.messages[0]
    assert active_reservations() == Decimal("45000.00")
    with scopes_disabled():
        assert fund_figures(fund=fund).available_capacity == Decimal("5000.00")
