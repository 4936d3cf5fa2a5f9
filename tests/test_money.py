"""Money: reading amounts as people type them, rounding half up, showing them the German way."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from miqua.forms import parse_amount
from miqua.money import format_eur, quantize_eur, validate_positive_amount

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


def test_parse_amount_reads_german_three_decimals_as_decimals_not_thousands():
    # "12,345" is 12.345 EUR in German; validation refuses the third decimal later.
    assert parse_amount("12,345", **GERMAN) == Decimal("12.345")


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
    ],
)
def test_format_eur_writes_german_amounts_with_a_no_break_space(value, expected):
    with override("de"):
        assert format_eur(value) == expected


def test_format_eur_groups_english_amounts_the_english_way():
    with override("en"):
        assert format_eur(Decimal("5700")) == "5,700.00\u00a0€"


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
