import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from miqua.accounts.models import User

from . import read_cache
from .chain import GENESIS, entry_hash
from .models import AuditEntry

# The key of the transaction-level advisory lock that serialises the writers of the chain on
# PostgreSQL ("MIQUA" in ASCII): any constant no other part of the application locks.
CHAIN_LOCK = 0x4D49515541


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)


@dataclass(frozen=True)
class Record:
    """One entry to write with `audit_records`: what `audit_record` takes, as a value."""

    action: str
    object_type: str
    object_id: str
    object_repr: str
    quarter_id: int | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        obj: models.Model,
        *,
        action: str,
        quarter_id: int | None = None,
        changes: Mapping[str, Any] | None = None,
    ) -> "Record":
        return cls(
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj),
            quarter_id=quarter_id,
            changes=changes or {},
        )


def _chain_head() -> str:
    """Take the chain for this transaction and return the hash of its last entry.

    Two transactions writing entries at once must not both chain onto the same predecessor,
    so the head is read under a lock held until the transaction ends: on PostgreSQL a
    transaction-level advisory lock (re-entrant, a second entry of the same transaction passes
    at once); SQLite lets one writer at a time anyway. The next writer reads the head after the
    commit, and ids are handed out under the lock, so id order is chain order.

    Where the lock is taken: here, right before the head is read, that is, when a transaction
    writes its first entry. Services write their entry after their change (`audit_record`'s
    contract), so the chain lock is the last lock a transaction takes, after its row locks, and
    it is held only from the entry to the commit. Taking it at the start of every transaction
    instead would queue every write of the network behind the longest one (a bank import), and
    a lock order that is sometimes first and sometimes last deadlocks. The one case left: a
    transaction that, after an entry, locks rows that another transaction holds while waiting
    here. `committees.services.ballot_close` is one: it decides its cases one after the other,
    and an approval locks its quarter's fund after the previous case's entries, so two ballots
    of a municipality's quarters closed in the same moment can meet that way. PostgreSQL
    detects the cycle within `deadlock_timeout` and aborts one of the two with an error; the
    chain stays whole, as the aborted transaction's entries are rolled back with it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    head = AuditEntry._base_manager.order_by("-pk").values_list("entry_hash", flat=True).first()
    return GENESIS if head is None else head


def _entry(*, actor: User | None, record: Record, created_at: datetime.datetime) -> AuditEntry:
    # Through JSON and back: the hash must be of what the database gives back when read.
    changes = json.loads(json.dumps({str(k): _jsonable(v) for k, v in record.changes.items()}))
    return AuditEntry(
        created_at=created_at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=record.action,
        quarter_id=record.quarter_id,
        object_type=record.object_type,
        object_id=record.object_id,
        object_repr=record.object_repr[:200],
        changes=changes,
    )


@transaction.atomic(savepoint=False)
def audit_records(*, actor: User | None, records: Iterable[Record]) -> list[AuditEntry]:
    """Write entries, chained in the order given. Call it inside the service's transaction,
    after the change (see `_chain_head` for why after)."""
    records = list(records)
    if not records:
        return []
    previous = _chain_head()
    # The time is read under the lock, so that the entries' times follow the chain's order.
    now = timezone.now()
    entries = [_entry(actor=actor, record=record, created_at=now) for record in records]
    for entry in entries:
        entry.previous_hash = previous
        entry.entry_hash = previous = entry_hash(entry, previous_hash=previous)
    # The data changed: what this request read of the read cache's version is old now.
    read_cache.forget_version()
    if len(entries) == 1:
        entries[0].save(force_insert=True)
        return entries
    # bulk_create inserts in the list's order, and the ids follow it (a sequence on
    # PostgreSQL, the next rowid on SQLite): the chain's order.
    return AuditEntry._base_manager.bulk_create(entries, batch_size=1000)


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    quarter_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the service's transaction, after the change."""
    record = Record.of(obj, action=action, quarter_id=quarter_id, changes=changes)
    return audit_records(actor=actor, records=[record])[0]
