"""Each entry carries the hash of its content and of the entry before it (miqua.audit.chain)."""

import importlib
import itertools
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django_scopes import scopes_disabled

from miqua.audit.chain import GENESIS, entry_hash
from miqua.audit.models import AuditEntry
from miqua.audit.services import Record, audit_record, audit_records
from miqua.audit.verify import ChainCheck

from .tampering import TRIGGER

pytestmark = pytest.mark.django_db


def entries() -> list[AuditEntry]:
    return list(AuditEntry._base_manager.order_by("pk"))


def test_each_entry_links_to_the_one_before(network):
    with scopes_disabled():
        before = AuditEntry._base_manager.order_by("-pk").first()
        first = audit_record(
            actor=network.staff, action="test.one", obj=network.own_quarter, changes={"a": 1}
        )
        second = audit_record(actor=None, action="test.two", obj=network.own_fund)

    assert first.previous_hash == (before.entry_hash if before else GENESIS)
    assert second.previous_hash == first.entry_hash
    assert len({first.entry_hash, second.entry_hash}) == 2


def test_the_hash_is_of_what_the_database_gives_back(network):
    """Values that JSON cannot keep as they are (a set, a date, a decimal, a nested mapping,
    text beyond the repr's 200 characters) are hashed as they are read back."""
    import datetime
    from decimal import Decimal

    with scopes_disabled():
        entry = audit_record(
            actor=network.staff,
            action="test.values",
            obj=network.own_quarter,
            quarter_id=network.own_quarter.pk,
            changes={
                "amount": Decimal("5700.10"),
                "on": datetime.date(2012, 9, 15),
                "names": {"Ölmühle", "Café"},
                "nested": {"b": [1, None, True], "a": "ß"},
                "who": network.advisor,
            },
        )
        stored = AuditEntry._base_manager.get(pk=entry.pk)

    assert stored.entry_hash == entry_hash(stored, previous_hash=stored.previous_hash)
    assert stored.changes["amount"] == "5700.10"
    assert stored.changes["who"] == str(network.advisor)


def test_content_and_link_both_change_the_hash(network):
    with scopes_disabled():
        entry = audit_record(actor=None, action="test", obj=network.own_quarter)
        entry.refresh_from_db()
    original = entry_hash(entry, previous_hash=entry.previous_hash)
    assert original == entry.entry_hash
    assert entry_hash(entry, previous_hash="0" * 64) != original
    entry.object_repr += "."
    assert entry_hash(entry, previous_hash=entry.previous_hash) != original


def test_several_entries_at_once_are_chained_in_their_order(network):
    records = [
        Record(
            action="loan.repaid",
            object_type="credits.loan",
            object_id=str(n),
            object_repr=f"V-{n}",
            changes={"closed_on": "2012-09-15"},
        )
        for n in range(5)
    ]
    with scopes_disabled():
        written = audit_records(actor=network.staff, records=records)
        stored = list(AuditEntry._base_manager.filter(action="loan.repaid").order_by("pk"))

    assert [e.object_repr for e in stored] == [f"V-{n}" for n in range(5)]
    assert [e.entry_hash for e in stored] == [e.entry_hash for e in written]
    for before, after in itertools.pairwise(stored):
        assert after.previous_hash == before.entry_hash
    check = ChainCheck()
    assert list(check) == []


def test_the_migration_chains_the_entries_written_before_the_chain(network):
    """Entries of the time before (no hashes, written straight to the table) get their hashes
    in id order, and the chain is whole afterwards."""
    import pgtrigger

    migration = importlib.import_module("miqua.audit.migrations.0003_chain_existing_entries")
    with scopes_disabled():
        for n in range(7):
            AuditEntry._base_manager.create(
                action="old", object_type="x", object_id=str(n), object_repr=f"Ä{n}"
            )
        assert list(ChainCheck()) != []
        migration.BATCH = 3  # several batches
        # The function reads only the schema editor's connection.
        editor = SimpleNamespace(connection=connection)
        with pgtrigger.ignore(TRIGGER):
            migration.chain_existing_entries(apps, editor)
        check = ChainCheck()
        assert list(check) == []
    assert check.checked == len(entries()) >= 7
