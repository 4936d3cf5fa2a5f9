"""Check the audit trail's hash chain (see `chain`): every entry against its own hash, and every
entry's link against the entry before it, in id order, streamed in batches so that a national
network's millions of entries are checked in constant memory."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .chain import GENESIS, entry_hash
from .models import AuditEntry

_FIELDS = (
    "id",
    "created_at",
    "actor_id",
    "action",
    "quarter_id",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "previous_hash",
    "entry_hash",
)


@dataclass(frozen=True)
class EntryRef:
    """An entry as a report names it."""

    id: int
    created_at: datetime.datetime
    action: str


@dataclass(frozen=True)
class Problem:
    """`changed`: the entry's content no longer gives its hash. `gap`: the entry does not link
    to the entry before it (`previous`, None at the start of the trail): entries were removed
    in between (`missing`: the ids between the two), or `previous` was rewritten with a hash
    made to fit its new content."""

    kind: Literal["changed", "gap"]
    entry: EntryRef
    previous: EntryRef | None = None
    missing: tuple[int, int] | None = None


class ChainCheck:
    """Iterate to get the problems, in id order; then `checked`, `changed`, `gaps` and `last`
    (the newest entry: the trail's end, which a chain alone cannot vouch for, so the report
    shows it for an auditor to note and compare next time)."""

    def __init__(self, *, chunk_size: int = 2000) -> None:
        self.chunk_size = chunk_size
        self.checked = 0
        self.changed = 0
        self.gaps = 0
        self.last: EntryRef | None = None
        self.last_hash = GENESIS

    @property
    def intact(self) -> bool:
        return self.changed == 0 and self.gaps == 0

    def __iter__(self) -> Iterator[Problem]:
        rows = (
            AuditEntry._base_manager.order_by("pk")
            .values_list(*_FIELDS, named=True)
            .iterator(chunk_size=self.chunk_size)
        )
        previous: EntryRef | None = None
        previous_hash = GENESIS
        for row in rows:
            self.checked += 1
            ref = EntryRef(id=row.id, created_at=row.created_at, action=row.action)
            if row.previous_hash != previous_hash:
                self.gaps += 1
                first_missing = previous.id + 1 if previous is not None else 1
                missing = (first_missing, row.id - 1) if row.id > first_missing else None
                yield Problem(kind="gap", entry=ref, previous=previous, missing=missing)
            if entry_hash(row, previous_hash=row.previous_hash) != row.entry_hash:
                self.changed += 1
                yield Problem(kind="changed", entry=ref)
            previous, previous_hash = ref, row.entry_hash
        self.last, self.last_hash = previous, previous_hash
