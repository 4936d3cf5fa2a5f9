"""Money in EUR: Decimal with two places, rounded half up, never float.

Rounding happens at documented points only: where a figure is derived by multiplication
(lending capacity = factor x capital) and, later, per instalment.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import formats, translation
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


# Per language: Python's grouping (",") and decimal point (".") -> the language's signs.
_SEPARATORS: dict[str, dict[int, str]] = {}


def format_amount(value: Decimal) -> str:
    """An amount as it is typed in the active language: "5.000,00" in German, "5,000.00" in
    English (no currency sign: that is how the amount fields take it).

    Python's own grouping in thousands, then the language's separators: Django's number_format
    looks each format up afresh, and a loan's page writes some 400 amounts."""
    language = translation.get_language() or ""
    separators = _SEPARATORS.get(language)
    if separators is None:
        separators = _SEPARATORS[language] = {
            ord(","): formats.get_format("THOUSAND_SEPARATOR"),
            ord("."): formats.get_format("DECIMAL_SEPARATOR"),
        }
    # + 0: a negative zero ("-0.00", from rounding -0.001) is written as 0,00.
    return format(quantize_eur(Decimal(value)) + 0, ",.2f").translate(separators)


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
