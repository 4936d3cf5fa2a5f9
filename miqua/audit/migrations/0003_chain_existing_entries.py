"""Chain the entries written before the hash chain existed, in id order, as `audit_record`
chains new ones. Reads and writes in batches by id (constant memory on millions of entries)."""

from django.db import migrations

from miqua.audit.chain import GENESIS, entry_hash

BATCH = 2000


def chain_existing_entries(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    manager = AuditEntry._base_manager.using(schema_editor.connection.alias)
    previous, last_id = GENESIS, 0
    while True:
        batch = list(manager.filter(pk__gt=last_id).order_by("pk")[:BATCH])
        if not batch:
            return
        for entry in batch:
            entry.previous_hash = previous
            entry.entry_hash = previous = entry_hash(entry, previous_hash=previous)
        manager.bulk_update(batch, ["previous_hash", "entry_hash"])
        last_id = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_hash_chain"),
    ]

    operations = [
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop, elidable=True),
    ]
