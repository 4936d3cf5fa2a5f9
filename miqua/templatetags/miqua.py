import contextlib
import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from miqua.money import format_eur, quantize_percent

register = template.Library()


@register.filter
def eur(value: Decimal | None) -> str:
    """{{ amount|eur }} -> 5.700,00 €"""
    return format_eur(value)


@register.filter
def percent(value: Decimal | None, places: int = 1) -> str:
    """{{ share|percent }} -> 12,5 %; {{ rate|percent:2 }} -> 8,56 % (rounded half up: Django's
    number_format alone would cut the digits off)."""
    if value is None:
        return ""
    rounded = quantize_percent(value, int(places))
    return f"{formats.number_format(rounded, int(places), use_l10n=True)}\u00a0%"


# Keys whose stored text is an amount or an ISO date; shown the way the page's language writes them.
_AMOUNT_KEYS = {"amount"}
_DATE_KEYS = {"paid_on"}


def _choice_labels() -> dict[str, str]:
    """Stored status and kind values -> their label in the page's language."""
    from committees.models import Ballot, BallotCase
    from credits.models import Application

    labels: dict[str, str] = {}
    for choices in (Application.Status, Ballot.Kind, BallotCase.Result):
        labels.update({value: str(label) for value, label in choices.choices})
    return labels


@register.filter
def audit_summary(entry: object) -> str:
    """The values an audit entry recorded, one line, amounts and dates formatted."""
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
            value = _choice_labels().get(value, value)
        parts.append(str(value))
    return " · ".join(parts)
