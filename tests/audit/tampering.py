"""Change the audit table behind the application's back, as someone with database access
would: on PostgreSQL past the trigger that refuses it (pgtrigger.ignore), on SQLite directly."""

import pgtrigger
from django.db import connection

from miqua.audit.models import AuditEntry

TRIGGER = "audit.AuditEntry:audit_append_only"


def tamper(sql: str, params: list[object]) -> None:
    table = AuditEntry._meta.db_table
    with pgtrigger.ignore(TRIGGER), connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


def rewrite_repr(entry_id: int, text: str) -> None:
    tamper("UPDATE {table} SET object_repr = %s WHERE id = %s", [text, entry_id])


def remove(entry_id: int) -> None:
    tamper("DELETE FROM {table} WHERE id = %s", [entry_id])
