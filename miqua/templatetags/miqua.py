from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe

from miqua.forms import escaped
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


@register.simple_tag
def quarter_options(quarters: Iterable[Any], selected: Any = None) -> SafeString:
    """The <option>s of a quarter picker: "Municipality – Quarter", the `selected` one marked.
    Written in Python: a template loop over the national network's 600 quarters cost more than
    the rest of the page together."""
    selected_pk = getattr(selected, "pk", None)
    return mark_safe(  # noqa: S308 (every name escaped here)
        "".join(
            '<option value="{}"{}>{} – {}</option>'.format(
                int(q.pk),
                " selected" if q.pk == selected_pk else "",
                escaped(q.municipality.name),
                escaped(q.name),
            )
            for q in quarters
        )
    )
