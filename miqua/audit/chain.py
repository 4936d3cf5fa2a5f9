"""The audit trail's hash chain: each entry carries the hash of its content and of the entry
before it, so that an entry changed or removed behind the application's back shows.

An entry's hash is the SHA-256 of the previous entry's hash and of a canonical serialisation of
its content: the moment (in UTC, to the microsecond, as the database keeps it), who, what, the
quarter, the object (type, id, text) and the changes as JSON with sorted keys. Changing any of
them, or the link to the previous entry, changes the hash; removing an entry breaks the next
one's link. The chain runs in id order: `services.audit_record` serialises the writers so that
ids are handed out in the order the chain is extended.

Pure functions over plain values: the services, the data migration (historical models) and
`verify_audit` (rows read as tuples) compute the same hash.
"""

import datetime
import hashlib
import json
from typing import Any, Protocol

# The previous hash of the first entry.
GENESIS = ""

# Part of every serialisation, so that a future change of the format can be told apart.
FORMAT = "miqua-audit-1"


class EntryContent(Protocol):
    created_at: datetime.datetime
    actor_id: int | None
    action: str
    quarter_id: int | None
    object_type: str
    object_id: str
    object_repr: str
    changes: Any


def canonical(entry: EntryContent) -> str:
    """The entry's content as one line of JSON, the same however it was read."""
    moment = entry.created_at
    if moment.tzinfo is None:  # a database without time zones gives UTC back, naive
        moment = moment.replace(tzinfo=datetime.UTC)
    return json.dumps(
        [
            FORMAT,
            moment.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            entry.actor_id,
            entry.action,
            entry.quarter_id,
            entry.object_type,
            entry.object_id,
            entry.object_repr,
            entry.changes,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def entry_hash(entry: EntryContent, *, previous_hash: str) -> str:
    """The hash an entry with this content must carry after `previous_hash`."""
    content = f"{previous_hash}\n{canonical(entry)}"
    return hashlib.sha256(content.encode("utf-8")).hexdigest()
