"""Trigram indexes for the searches by name, business and contract number (credits/filters.py,
credits/loan_filters.py): `icontains` asks for a part of a word anywhere, which a B-tree cannot
answer; on the national network every search read all 30,000 applications and borrowers.

PostgreSQL only (pg_trgm ships with it; creating the extension needs a role that may, as the
database's owner or a superuser does): the embedded SQLite default scans, which is quick enough
for the size it is meant for. The indexes are on UPPER(column), the expression Django's
`icontains` compares on PostgreSQL."""

from django.db import migrations

INDEXES = (
    ("borrower_first_name_trgm", "credits_borrower", "first_name"),
    ("borrower_last_name_trgm", "credits_borrower", "last_name"),
    ("application_business_name_trgm", "credits_application", "business_name"),
    ("loan_contract_number_trgm", "credits_loan", "contract_number"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("credits", "0008_list_order_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
