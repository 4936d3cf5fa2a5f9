"""Two workers checking the same month at the same moment, on PostgreSQL: the unique month is
the claim, the second waits for the first and returns its result; nothing is booked twice."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django_scopes import scopes_disabled

from credits.models import Instalment
from miqua.accounts.models import Role
from monitoring import services
from monitoring.models import LoanSnapshot, MonthlyCheck, QuarterRate
from tests import factories

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
    barrier = threading.Barrier(2)
    results: list[MonthlyCheck] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            check = services.monthly_check_run(as_of=as_of)
            with lock:
                results.append(check)
        except BaseException as error:  # reported by the assertion below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len({check.pk for check in results}) == 1
    assert [(c.active, c.disrupted) for c in results] == [(3, 3), (3, 3)]
    with scopes_disabled():
        assert MonthlyCheck.objects.count() == 1
        assert LoanSnapshot.objects.count() == 3
        assert QuarterRate.objects.count() == 1


def test_two_staff_closing_the_same_measure_close_it_once(postgres, network):
    from django.core.exceptions import ValidationError

    from monitoring import quality_services
    from monitoring.models import QualityMeasure

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
    barrier = threading.Barrier(2)
    closed: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def close(actor) -> None:
        try:
            barrier.wait(timeout=30)
            with scopes_disabled():
                done = quality_services.quality_measure_close(measure=measure, actor=actor)
            with lock:
                closed.append(done.closed_by_id)
        except ValidationError as error:
            with lock:
                refused.append(error.code)
        except BaseException as error:  # reported by the assertion below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close, args=(user,)) for user in (network.staff, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(closed) == 1
    assert refused == ["already_closed"]
    with scopes_disabled():
        assert QualityMeasure.objects.get().closed_by_id == closed[0]
