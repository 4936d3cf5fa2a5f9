"""Imports at the same moment, on PostgreSQL: the same statement uploaded twice at once, and two
overlapping statements listing their common entries in another order. Each entry is booked
once; nothing is lost."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django_scopes import scopes_disabled

from credits.banking.importer import ImportResult, statement_import
from credits.models import BankEntry, Payment
from miqua.accounts.models import Role
from tests import factories

from .test_bank_import import Loans, fixture

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


@pytest.fixture
def setting(postgres, network):
    with scopes_disabled():
        second = factories.UserFactory(role=Role.STAFF, email="staff2@miqua.example")
        return Loans(network, second), network.staff


def race(files: list[bytes], staff) -> list[ImportResult]:
    barrier = threading.Barrier(len(files))
    results: list[ImportResult] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(content: bytes) -> None:
        try:
            barrier.wait(timeout=30)
            result = statement_import(content=content, file_name="race", actor=staff)
            with lock:
                results.append(result)
        except BaseException as error:  # reported by the assertion below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(content,)) for content in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return results


def _paid() -> Decimal:
    with scopes_disabled():
        return sum(Payment.objects.values_list("amount", flat=True), Decimal("0"))


def test_the_same_statement_twice_at_once_books_it_once(setting):
    _loans, staff = setting
    results = race([fixture("camt053_001_08.xml")] * 2, staff)
    assert sorted(r.booked for r in results) == [0, 2]
    assert sorted(r.skipped_known for r in results) == [0, 4]
    assert _paid() == Decimal("230.00")
    assert BankEntry.objects.count() == 4


def test_overlapping_statements_in_another_order_at_once_book_each_entry_once(setting):
    _loans, staff = setting
    lines = fixture("bank.csv").decode().splitlines()
    # The same four transfers, the second file listing them backwards, plus one of its own.
    extra = lines[1].replace("02.05.2025", "07.05.2025")
    forwards = "\r\n".join(lines).encode()
    backwards = "\r\n".join([lines[0], extra, *reversed(lines[1:])]).encode()
    for round_number in range(3):
        results = race([forwards, backwards], staff)
        assert sum(r.booked for r in results) == (3 if round_number == 0 else 0)
    with scopes_disabled():
        assert BankEntry.objects.count() == 5
        assert Payment.objects.count() == 3
    assert _paid() == Decimal("150.00") * 2 + Decimal("212.50")
