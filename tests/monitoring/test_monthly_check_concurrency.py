"""Two workers checking the same month at the same moment, on PostgreSQL: the unique month is
the claim, the second waits for the first and returns its result; nothing is booked twice."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scopes_disabled

from credits.models import Instalment
from miqua.accounts.models import Role
from monitoring import quality_services, services
from monitoring.models import LoanSnapshot, MonthlyCheck, QualityMeasure, QuarterRate
from tests import factories
from tests.concurrency import at_once

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


def test_two_workers_on_the_same_month_book_it_once(postgres, network):
    with scopes_disabled():
        second = factories.UserFactory(role=Role.STAFF, email="staff2@miqua.example")
        loans = [
            factories.paid_out_loan(
                quarter=network.own_quarter, recorder=network.staff, confirmer=second
            )
            for _ in range(3)
        ]
        first_due = Instalment.objects.filter(loan=loans[0]).order_by("due_on").first().due_on
    as_of = datetime.date(first_due.year, first_due.month + 1, 15)
    outcomes = at_once(*[lambda: services.monthly_check_run(as_of=as_of)] * 2)

    errors = [o.error for o in outcomes if o.error is not None]
    results = [o.value for o in outcomes]
    assert errors == []
    assert len({check.pk for check in results}) == 1
    assert [(c.active, c.disrupted) for c in results] == [(3, 3), (3, 3)]
    with scopes_disabled():
        assert MonthlyCheck.objects.count() == 1
        assert LoanSnapshot.objects.count() == 3
        assert QuarterRate.objects.count() == 1


def test_two_staff_closing_the_same_measure_close_it_once(postgres, network):
    with scopes_disabled():
        second = factories.UserFactory(role=Role.STAFF, email="staff2@miqua.example")
        check = MonthlyCheck.objects.create(
            as_of=datetime.date(2025, 3, 15),
            status=MonthlyCheck.Status.DONE,
            active=10,
            disrupted=5,
            requires_qa=True,
        )
        measure = quality_services.quality_measure_record(
            check=check, text="Telefonaktion", actor=network.staff
        )

    def close(actor):
        with scopes_disabled():
            return quality_services.quality_measure_close(measure=measure, actor=actor)

    outcomes = at_once(lambda: close(network.staff), lambda: close(second))

    closed = [o.value.closed_by_id for o in outcomes if o.error is None]
    refused = [o.error.code for o in outcomes if isinstance(o.error, ValidationError)]
    assert len(closed) + len(refused) == 2, outcomes
    assert len(closed) == 1
    assert refused == ["already_closed"]
    with scopes_disabled():
        assert QualityMeasure.objects.get().closed_by_id == closed[0]
