"""Several transactions writing audit entries at the same moment, on PostgreSQL: the chain
head is taken under a lock, so no two entries chain onto the same predecessor and the chain
stays whole."""

import itertools

import pytest
from django.db import connection, transaction
from django_scopes import scopes_disabled

from miqua.audit.models import AuditEntry
from miqua.audit.services import audit_record
from miqua.audit.verify import ChainCheck
from tests.concurrency import at_once

pytestmark = pytest.mark.postgres

WRITERS = 4
ENTRIES = 15


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


def test_writers_at_once_keep_one_chain(postgres, network):
    def write(n: int) -> int:
        with scopes_disabled():
            for i in range(ENTRIES):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action="test.concurrent",
                        obj=network.own_quarter,
                        changes={"writer": n, "i": i},
                    )
        return n

    outcomes = at_once(*[lambda n=n: write(n) for n in range(WRITERS)])

    assert [o.error for o in outcomes] == [None] * WRITERS
    with scopes_disabled():
        rows = list(AuditEntry._base_manager.order_by("pk").values("previous_hash", "entry_hash"))
    assert len(rows) == WRITERS * ENTRIES
    # One predecessor for each entry, and each one's link is the entry before it in id order.
    assert len({row["previous_hash"] for row in rows}) == len(rows)
    for before, after in itertools.pairwise(rows):
        assert after["previous_hash"] == before["entry_hash"]
    check = ChainCheck()
    assert list(check) == []
    assert check.checked == WRITERS * ENTRIES


def test_a_writer_waits_for_the_head_while_another_holds_it(postgres, network):
    """The second transaction's entry chains onto the first one's, written while the second
    already waited: it reads the head only after the first committed."""
    import threading
    import time

    first_wrote = threading.Event()

    def slow() -> None:
        with scopes_disabled(), transaction.atomic():
            audit_record(actor=None, action="test.first", obj=network.own_quarter)
            first_wrote.set()
            time.sleep(0.5)  # still holding the chain when the second one starts

    def quick() -> None:
        first_wrote.wait(timeout=10)
        with scopes_disabled(), transaction.atomic():
            audit_record(actor=None, action="test.second", obj=network.own_quarter)

    outcomes = at_once(slow, quick)

    assert [o.error for o in outcomes] == [None, None]
    with scopes_disabled():
        first = AuditEntry._base_manager.get(action="test.first")
        second = AuditEntry._base_manager.get(action="test.second")
    assert second.previous_hash == first.entry_hash
    assert second.pk > first.pk
    assert list(ChainCheck()) == []
