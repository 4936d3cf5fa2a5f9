from decimal import Decimal

from django import template
from django.utils import formats

from miqua.money import format_eur

register = template.Library()


@register.filter
def eur(value: Decimal | None) -> str:
    """{{ amount|eur }} -> 5.700,00 €"""
    return format_eur(value)


@register.filter
def percent(value: Decimal | None) -> str:
    """{{ share|percent }} -> 12,5 %"""
    if value is None:
        return ""
    return f"{formats.number_format(value, 1, use_l10n=True)}\u00a0%"
