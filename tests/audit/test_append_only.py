"""On PostgreSQL the audit table refuses UPDATE and DELETE (a trigger), whoever asks: the
application's own models as much as plain SQL. TRUNCATE, which the test runner uses to empty
the database between transactional tests, still works."""

import pytest
from django.db import ProgrammingError, connection, transaction
from django_scopes import scopes_disabled

from miqua.audit.models import AuditEntry
from miqua.audit.services import audit_record

pytestmark = pytest.mark.postgres

# The trigger's RAISE EXCEPTION (SQLSTATE P0001), as psycopg and Django name it.
REFUSED = ProgrammingError


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


@pytest.fixture
def entry(postgres, network):
    with scopes_disabled():
        return audit_record(
            actor=network.staff, action="test", obj=network.own_quarter, changes={"a": 1}
        )


def refused(sql: str, params: list[object]) -> str:
    with pytest.raises(REFUSED) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(error.value)


def test_an_update_is_refused(entry):
    message = refused("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["x", entry.pk])
    assert "Cannot update or delete rows from audit_auditentry" in message
    with scopes_disabled():
        assert AuditEntry._base_manager.get(pk=entry.pk).object_repr == entry.object_repr


def test_a_delete_is_refused(entry):
    refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    with scopes_disabled():
        assert AuditEntry._base_manager.filter(pk=entry.pk).exists()


def test_the_models_cannot_change_or_delete_an_entry_either(entry):
    with scopes_disabled():
        with pytest.raises(REFUSED, match="Cannot update or delete"), transaction.atomic():
            AuditEntry._base_manager.filter(pk=entry.pk).update(action="other")
        with pytest.raises(REFUSED, match="Cannot update or delete"), transaction.atomic():
            AuditEntry._base_manager.get(pk=entry.pk).delete()
        assert AuditEntry._base_manager.get(pk=entry.pk).action == "test"


def test_the_trigger_is_installed_by_the_migrations(postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass "
            "AND NOT tgisinternal"
        )
        names = [row[0] for row in cursor.fetchall()]
    assert any(name.startswith("pgtrigger_audit_append_only") for name in names)


@pytest.mark.django_db(transaction=True)
def test_the_test_runners_truncate_still_empties_the_table(network):
    """A transactional test's flush (TRUNCATE) must pass the trigger: this test leaves an
    entry behind, and the next transactional test starts without it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    with scopes_disabled():
        audit_record(actor=None, action="test.left_behind", obj=network.own_quarter)
    from django.core.management import call_command

    call_command("flush", "--no-input", verbosity=0)
    with scopes_disabled():
        assert not AuditEntry._base_manager.exists()
