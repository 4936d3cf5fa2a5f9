"""Money in EUR: Decimal with two places, rounded half up, never float.

Rounding happens at documented points only: where a figure is derived by multiplication
(lending capacity = factor x capital) and, later, per instalment.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# DecimalField(max_digits=12, decimal_places=2) holds at most this.
MAX_AMOUNT = Decimal("9999999999.99")


def quantize_eur(value: Decimal) -> Decimal:
    """Round a EUR figure to the cent, half up (commercial rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def quantize_percent(value: Decimal, places: int = 1) -> Decimal:
    """A share in percent, rounded half up to `places` decimals (12.25 -> 12.3)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_amount(value: Decimal) -> str:
    """An amount as it is typed in the active language: "5.000,00" in German, "5,000.00" in
    English (no currency sign: that is how the amount fields take it)."""
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


def amount_example() -> str:
    """The example amount of hints and messages, written the way the active language reads it:
    an English form must not suggest "5.000,00", which it would refuse."""
    return format_amount(Decimal("5000.00"))


def invalid_amount_message() -> str:
    return _("Please enter an amount in euros, for example %(example)s.") % {
        "example": amount_example()
    }


def validate_positive_amount(value: object) -> Decimal:
    """Return the amount as a Decimal, or raise a ValidationError a person can act on.

    Refuses zero, negative amounts, more than two decimal places and amounts too large to store.
    """
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(invalid_amount_message(), code="invalid") from None
    if not amount.is_finite():
        raise ValidationError(invalid_amount_message(), code="invalid")
    if amount <= 0:
        raise ValidationError(_("The amount must be greater than zero."), code="not_positive")
    # Size first: quantizing an amount of more than 28 digits raises InvalidOperation.
    if amount > MAX_AMOUNT:
        raise ValidationError(_("The amount is too large."), code="too_large")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and amount != amount.quantize(CENT):
        raise ValidationError(
            _("Please enter the amount with at most two decimal places (cents)."),
            code="too_many_decimals",
        )
    return amount.quantize(CENT)


def format_eur(value: Decimal | None) -> str:
    """5700 -> "5.700,00 €" in German, "5,700.00 €" in English."""
    if value is None:
        return ""
    return f"{format_amount(quantize_eur(value))}\u00a0€"
