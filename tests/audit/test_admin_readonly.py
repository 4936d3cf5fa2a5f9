"""The administration shows the audit trail and changes nothing in it: no adding, editing or
deleting, no "delete selected" action, not even for an administrator."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from miqua.audit.models import AuditEntry
from miqua.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(network) -> AuditEntry:
    with scopes_disabled():
        return audit_record(
            actor=network.staff,
            action="admin.changed",
            obj=network.own_quarter,
            quarter_id=network.own_quarter.pk,
            changes={"fields": [{"field": "name", "kind": "text", "old": "A", "new": "B"}]},
        )


def stored(entry: AuditEntry) -> tuple:
    with scopes_disabled():
        row = AuditEntry._base_manager.get(pk=entry.pk)
    return (row.action, row.object_repr, row.changes, row.entry_hash)


def test_the_list_shows_entries_in_words_and_offers_no_action(admin_client, entry):
    response = admin_client.get(reverse("admin:audit_auditentry_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Name: A → B" in page
    assert 'name="action"' not in page  # no actions, so no "delete selected"
    assert 'name="_selected_action"' not in page
    assert reverse("admin:audit_auditentry_add") not in page


def test_the_delete_selected_action_is_refused(admin_client, entry):
    before = stored(entry)
    response = admin_client.post(
        reverse("admin:audit_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert stored(entry) == before


def test_an_entry_opens_read_only_with_its_hashes(admin_client, entry):
    response = admin_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert entry.entry_hash in page
    assert 'name="_save"' not in page
    assert reverse("admin:audit_auditentry_delete", args=[entry.pk]) not in page
    assert "In der Verwaltung geändert" in page  # the administrator reads German


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("admin:audit_auditentry_add", {"action": "forged", "object_repr": "x"}),
        ("admin:audit_auditentry_change", {"action": "forged", "object_repr": "x"}),
        ("admin:audit_auditentry_delete", {"post": "yes"}),
    ],
)
def test_add_change_and_delete_are_refused(admin_client, entry, name, data):
    args = [] if name.endswith("_add") else [entry.pk]
    before = stored(entry)
    count = AuditEntry._base_manager.count()

    response = admin_client.post(reverse(name, args=args), data)

    assert response.status_code == 403
    assert stored(entry) == before
    assert AuditEntry._base_manager.count() == count


def test_the_history_page_only_shows(admin_client, entry):
    response = admin_client.get(reverse("admin:audit_auditentry_history", args=[entry.pk]))
    assert response.status_code == 200
    assert "<form" not in response.content.decode().split('id="content"')[1]
