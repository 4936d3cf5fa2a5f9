"""What a backup must give back: the rows of every model and every figure of the portfolio
dashboard and of each municipality's dashboard, as plain JSON-able values. Run in the test's
process against the original database, and in a process of its own, as an operator would run
`manage.py restore ARCHIVE`, against the restored one (one process: Django starts once):

    python -m tests.ops.backup_figures 2026-12-03 ARCHIVE   (DATABASE_URL names the database)

prints what `restore` said and the figures after it, as JSON.
"""

import dataclasses
import datetime
import enum
import json
import sys
from decimal import Decimal

from django.apps import apps
from django.db.models import Model
from django.utils import translation
from django.utils.functional import Promise
from django_scopes import scopes_disabled


def plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Model):
        return f"{value._meta.label}#{value.pk}"
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, Decimal | datetime.date | Promise | enum.Enum):
        return str(value)
    return value


def figures(today: datetime.date) -> dict:
    from monitoring.municipality_selectors import municipality_dashboard
    from monitoring.portfolio_selectors import portfolio_dashboard
    from quarters.models import Municipality, Quarter

    with scopes_disabled(), translation.override("de"):
        rows = {
            model._meta.label: model._base_manager.count()
            for model in apps.get_models(include_auto_created=True)
        }
        municipalities = {
            municipality.slug: municipality_dashboard(
                municipality=municipality,
                quarters=list(Quarter.objects.filter(municipality=municipality).order_by("name")),
            )
            for municipality in Municipality.objects.order_by("slug")
        }
        return plain(
            {
                "rows": rows,
                "portfolio": portfolio_dashboard(today=today),
                "municipalities": municipalities,
            }
        )  # type: ignore[return-value]


if __name__ == "__main__":
    import io

    import django
    from django.core.management import call_command

    django.setup()
    said = io.StringIO()
    call_command("restore", sys.argv[2], stdout=said)
    today = datetime.date.fromisoformat(sys.argv[1])
    print(json.dumps({"restore": said.getvalue(), "figures": figures(today)}))
