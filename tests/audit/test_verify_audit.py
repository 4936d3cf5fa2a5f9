"""`manage.py verify_audit` recomputes the chain and names what was changed or removed."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django_scopes import scopes_disabled

from miqua.audit.models import AuditEntry
from miqua.audit.services import audit_record

from .tampering import remove, rewrite_repr, tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(network):
    """Five entries, by the services' own function."""
    with scopes_disabled():
        return [
            audit_record(
                actor=network.staff,
                action="fund.contribution_recorded",
                obj=network.own_fund,
                quarter_id=network.own_quarter.pk,
                changes={"amount": str(1000 + n)},
            )
            for n in range(5)
        ]


def verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_an_intact_chain_passes_with_a_summary_in_german(trail):
    status, out = verify()
    total = AuditEntry._base_manager.count()
    assert status == 0
    assert f"{total} Einträge geprüft, die Kette ist vollständig." in out
    assert f"Letzter Eintrag: Eintrag {trail[-1].pk} vom" in out
    assert trail[-1].entry_hash in out


def test_the_summary_in_english(trail):
    status, out = verify("--language", "en")
    assert status == 0
    assert "entries checked, the chain is complete." in out


def test_it_reads_in_batches(trail):
    # Five entries read two at a time: the batch borders change nothing.
    assert verify("--chunk-size", "2")[0] == 0


def test_a_changed_entry_is_named_by_id_date_and_action(trail):
    rewrite_repr(trail[2].pk, "Haftungsfonds (geändert)")

    status, out = verify("--language", "en")

    assert status == 1
    assert f"Changed: entry {trail[2].pk} of " in out
    assert "(Contribution recorded) no longer matches its hash" in out
    # Only this one: the next entry still links to the hash the changed one carries.
    assert out.count("Changed:") == 1
    assert "Gap" not in out
    assert "1 entry changed. The chain is broken." in out


def test_a_changed_entry_in_german(trail):
    tamper("UPDATE {table} SET changes = %s WHERE id = %s", ['{"amount": "1.00"}', trail[1].pk])

    status, out = verify()

    assert status == 1
    assert f"Geändert: Eintrag {trail[1].pk} vom " in out
    assert "(Einzahlung erfasst)" in out


def test_a_removed_entry_is_named_with_the_missing_id(trail):
    remove(trail[2].pk)

    status, out = verify("--language", "en")

    assert status == 1
    assert f"Gap before entry {trail[3].pk} of " in out
    assert f"does not link to entry {trail[1].pk} before it" in out
    assert f"Missing ids: {trail[2].pk}." in out
    assert "Changed" not in out
    assert "1 gap. The chain is broken." in out


def test_removed_first_entries_are_named(trail):
    first_ids = list(AuditEntry._base_manager.order_by("pk").values_list("pk", flat=True)[:2])
    for pk in first_ids:
        remove(pk)

    status, out = verify("--language", "en")

    assert status == 1
    assert "it is the first entry, yet it links to an entry before it" in out


def test_an_entry_rewritten_with_a_fitting_hash_breaks_the_next_link(trail):
    """Someone who knows how the hash is made rewrites an entry and its hash: the entry after
    it no longer links to it."""
    from miqua.audit.chain import entry_hash

    with scopes_disabled():
        entry = AuditEntry._base_manager.get(pk=trail[2].pk)
    entry.object_repr = "Fälschung"
    forged = entry_hash(entry, previous_hash=entry.previous_hash)
    tamper(
        "UPDATE {table} SET object_repr = %s, entry_hash = %s WHERE id = %s",
        ["Fälschung", forged, entry.pk],
    )

    status, out = verify("--language", "en")

    assert status == 1
    assert f"Gap before entry {trail[3].pk} of " in out
    assert f"or entry {trail[2].pk} was rewritten" in out


def test_every_problem_is_named_once(trail):
    rewrite_repr(trail[0].pk, "x")
    remove(trail[3].pk)

    status, out = verify("--language", "en")

    assert status == 1
    assert len(re.findall(r"^(Changed|Gap)", out, flags=re.MULTILINE)) == 2
    assert "1 entry changed, 1 gap." in out


def test_an_empty_trail_is_complete(db):
    with translation.override("de"):
        status, out = verify()
    assert status == 0
    assert "0 Einträge geprüft, die Kette ist vollständig." in out
