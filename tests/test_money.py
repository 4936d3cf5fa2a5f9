"""Money: reading amounts as people type them, rounding half up, showing them the German way."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from miqua.forms import AmbiguousAmount, parse_amount
from miqua.money import format_amount, format_eur, quantize_eur, validate_positive_amount

GERMAN = {"thousands": ".", "decimal": ","}
ENGLISH = {"thousands": ",", "decimal": "."}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5000", "5000"),
        ("5.000", "5000"),
        ("5.000,00", "5000.00"),
        ("5000,50", "5000.50"),
        ("1.234.567,89", "1234567.89"),
        ("499,99", "499.99"),
        # A lone dot before one or two digits is nobody's thousands separator: a decimal mark.
        ("499.99", "499.99"),
        ("-5,00", "-5.00"),
    ],
)
def test_parse_amount_reads_german_input(text, expected):
    assert parse_amount(text, **GERMAN) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "conventions", "grouped", "as_decimal"),
    [
        # Our decimal mark before exactly three digits: thousands in the other convention.
        ("12,345", GERMAN, "12345", "12.345"),
        ("1,000", GERMAN, "1000", "1.000"),
        ("5.000", ENGLISH, "5000", "5.000"),
        ("1.000", ENGLISH, "1000", "1.000"),
        ("-5.000", ENGLISH, "-5000", "-5.000"),
    ],
)
def test_parse_amount_refuses_what_the_other_convention_reads_as_thousands(
    text, conventions, grouped, as_decimal
):
    with pytest.raises(AmbiguousAmount) as excinfo:
        parse_amount(text, **conventions)
    assert excinfo.value.grouped == Decimal(grouped)
    assert excinfo.value.as_decimal == Decimal(as_decimal)


@pytest.mark.parametrize(
    ("text", "conventions", "expected"),
    [
        # A leading zero or four digits before the mark are nobody's thousands group.
        ("0,500", GERMAN, "0.500"),
        ("1234,567", GERMAN, "1234.567"),
        ("0.500", ENGLISH, "0.500"),
        # A grouped whole part says which convention is meant.
        ("1.234,567", GERMAN, "1234.567"),
        ("1,234.567", ENGLISH, "1234.567"),
    ],
)
def test_parse_amount_reads_three_decimals_that_cannot_be_thousands(text, conventions, expected):
    # Validation refuses the third decimal later, with its own message.
    assert parse_amount(text, **conventions) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5,000.50", "5000.50"),
        ("5,000", "5000"),
        ("1,234,567.89", "1234567.89"),
        ("499.99", "499.99"),
        ("499,99", "499.99"),
    ],
)
def test_parse_amount_reads_english_input(text, expected):
    assert parse_amount(text, **ENGLISH) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "1,000.50",  # English grouping in a German form: refused, not guessed
        "5.000.50",
        "1.2.3",
        "12.34,5",
        "5,00,00",
        "50.00.000",
        "abc",
        "5a",
        "",
        "--5",
        "5²",  # a digit to str.isdigit, but no number to Decimal
    ],
)
def test_parse_amount_refuses_ambiguous_or_garbled_german_input(text):
    assert parse_amount(text, **GERMAN) is None


@pytest.mark.parametrize("text", ["1.000,50", "5,000,50", "1,2,3", "12,34.5"])
def test_parse_amount_refuses_ambiguous_english_input(text):
    assert parse_amount(text, **ENGLISH) is None


ARABIC_INDIC = str.maketrans(
    "0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
)
PERSIAN = str.maketrans(
    "0123456789", "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"
)
FULLWIDTH = str.maketrans(
    "0123456789.,-",
    "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff0e\uff0c\uff0d",
)


@pytest.mark.parametrize("conventions", [GERMAN, ENGLISH], ids=["de", "en"])
@pytest.mark.parametrize(
    ("digits", "typed"),
    [
        # Arabic-Indic digits with the Arabic thousands and decimal separators: one meaning.
        (ARABIC_INDIC, "5\u066c000\u066b50"),
        (ARABIC_INDIC, "5000"),
        (PERSIAN, "5000\u066b50"),
        (FULLWIDTH, "5000"),
    ],
)
def test_parse_amount_reads_the_digits_of_other_scripts_on_purpose(conventions, digits, typed):
    text = typed.translate(digits)
    assert not text.isascii()
    expected = Decimal("5000.50") if "\u066b" in typed else Decimal("5000")
    assert parse_amount(text, **conventions) == expected


def test_parse_amount_reads_fullwidth_separators_by_the_locale():
    assert parse_amount("5.000,50".translate(FULLWIDTH), **GERMAN) == Decimal("5000.50")
    assert parse_amount("5,000.50".translate(FULLWIDTH), **ENGLISH) == Decimal("5000.50")
    assert parse_amount("-5".translate(FULLWIDTH), **GERMAN) == Decimal("-5")


@pytest.mark.parametrize("text", ["5\u00b2", "\u2165", "\u00bd", "5\u0663x"])
def test_parse_amount_still_refuses_digits_that_are_no_decimal_digits(text):
    # Superscript two, the Roman numeral six, one half: digits or numbers to Unicode, but not
    # decimal digits; and letters stay letters.
    assert parse_amount(text, **GERMAN) is None


def test_parse_amount_returns_decimal():
    assert isinstance(parse_amount("5.000,00", **GERMAN), Decimal)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("2.675", "2.68"),
        ("2.665", "2.67"),  # half up, not to even
        ("100000.035", "100000.04"),
        ("-0.005", "-0.01"),  # half away from zero
        ("-2.675", "-2.68"),
        ("5700", "5700.00"),
    ],
)
def test_quantize_eur_rounds_half_up_to_the_cent(value, expected):
    result = quantize_eur(Decimal(value))
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("5700"), "5.700,00\u00a0€"),
        (Decimal("5700.5"), "5.700,50\u00a0€"),
        (Decimal("0"), "0,00\u00a0€"),
        (Decimal("1234567.891"), "1.234.567,89\u00a0€"),
        (Decimal("2.675"), "2,68\u00a0€"),
        (Decimal("-2.675"), "-2,68\u00a0€"),
        (Decimal("-0.004"), "0,00\u00a0€"),  # no "-0,00"
        (Decimal("-1234567.5"), "-1.234.567,50\u00a0€"),
    ],
)
def test_format_eur_writes_german_amounts_with_a_no_break_space(value, expected):
    with override("de"):
        assert format_eur(value) == expected


def test_format_eur_groups_english_amounts_the_english_way():
    with override("en"):
        assert format_eur(Decimal("5700")) == "5,700.00\u00a0€"


def test_format_amount_rounds_to_the_cent_as_the_amount_fields_take_it():
    with override("de"):
        assert format_amount(Decimal("12.345")) == "12,35"
        assert format_amount(Decimal("999.995")) == "1.000,00"
    with override("en"):
        assert format_amount(Decimal("1234.5")) == "1,234.50"


def test_format_eur_of_nothing_is_empty():
    assert format_eur(None) == ""


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0", "not_positive"),
        ("-1", "not_positive"),
        ("0.001", "too_many_decimals"),
        ("12.345", "too_many_decimals"),
        ("abc", "invalid"),
        ("NaN", "invalid"),
        ("10000000000", "too_large"),
        # More digits than Decimal's precision: refused, not an InvalidOperation.
        ("1234567890123456789012345678.123", "too_large"),
    ],
)
def test_validate_positive_amount_refuses_with_a_code(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_positive_amount(value)
    assert excinfo.value.code == code


def test_validate_positive_amount_keeps_trailing_zeros_and_gives_two_places():
    assert str(validate_positive_amount("12.340")) == "12.34"
    assert str(validate_positive_amount(Decimal("5000"))) == "5000.00"


def test_percent_filter_rounds_half_up_instead_of_cutting_digits():
    from django.utils import translation

    from miqua.templatetags.miqua import percent

    with translation.override("de"):
        assert percent(Decimal("8.56"), 2) == "8,56\u00a0%"
        assert percent(Decimal("8.56")) == "8,6\u00a0%"
        assert percent(Decimal("12.25")) == "12,3\u00a0%"
        assert percent(None) == ""
