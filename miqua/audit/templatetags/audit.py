import contextlib
import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from miqua.money import format_eur

from .. import registry
from ..changes import in_words, recorded_in_words

register = template.Library()

# Keys whose stored text is an amount or an ISO date; shown the way the page's language writes them.
_AMOUNT_KEYS = {"amount"}
_DATE_KEYS = {"paid_on"}


@register.filter
def audit_summary(entry: object) -> str:
    """The values an audit entry recorded, one line, amounts and dates formatted; an
    administration change in words."""
    changes = getattr(entry, "changes", {})
    if getattr(entry, "is_admin_change", False) and recorded_in_words(changes):
        return in_words(changes)
    labels = registry.value_labels()
    parts = []
    for key, value in getattr(entry, "changes", {}).items():
        if value in (None, "", []):
            continue
        if key in _AMOUNT_KEYS:
            with contextlib.suppress(InvalidOperation):
                value = format_eur(Decimal(str(value)))
        elif key in _DATE_KEYS:
            with contextlib.suppress(ValueError):
                day = datetime.date.fromisoformat(str(value))
                value = formats.date_format(day, "SHORT_DATE_FORMAT")
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, str):
            value = labels.get(value, value)
        parts.append(str(value))
    return " · ".join(parts)
