from decimal import Decimal

from django import template
from django.utils import formats

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
