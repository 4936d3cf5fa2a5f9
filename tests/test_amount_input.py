"""Amounts as people type them, in both languages: the same text never means two amounts, and
the hints show what the form accepts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.translation import override
from django_scopes import scopes_disabled

from credits.models import Application
from miqua.forms import MoneyField
from quarters.forms import ContributionForm
from tests import factories


def _quarter():
    with scopes_disabled():
        return factories.QuarterFactory()


def _clean(text: str, language: str) -> Decimal:
    with override(language):
        return MoneyField().clean(text)


def _refusal(text: str, language: str) -> tuple[str, str]:
    with override(language):
        try:
            MoneyField().clean(text)
        except ValidationError as e:
            return e.code, str(e.messages[0])
    raise AssertionError(f"{text!r} was accepted in {language}")


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("5.000", "de", "5000.00"),
        ("5,000", "en", "5000.00"),
        ("5.000,00", "de", "5000.00"),
        ("5,000.00", "en", "5000.00"),
        ("1.000", "de", "1000.00"),
        ("1,000", "en", "1000.00"),
        ("499,99", "de", "499.99"),
        ("499.99", "en", "499.99"),
    ],
)
def test_an_amount_is_read_the_way_the_language_writes_it(typed, language, expected):
    assert _clean(typed, language) == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "language", "readings"),
    [
        # English staff typing "5.000" got 5.00 EUR stored; in German it is five thousand.
        ("5.000", "en", ["5,000.00", "5.00"]),
        ("1.000", "en", ["1,000.00", "1.00"]),
        ("5,000", "de", ["5.000,00", "5,00"]),
        ("1,250", "de", ["1.250,00", "1,25"]),
    ],
)
def test_an_amount_the_other_convention_reads_differently_is_refused_with_both_readings(
    typed, language, readings
):
    code, message = _refusal(typed, language)

    assert code == "ambiguous"
    assert f"“{typed}”" in message or f"„{typed}“" in message
    for reading in readings:
        assert reading in message


@pytest.mark.parametrize(("typed", "language"), [("12.345", "en"), ("12,345", "de")])
def test_an_ambiguous_amount_with_a_third_decimal_suggests_the_whole_amount(typed, language):
    code, message = _refusal(typed, language)

    assert code == "ambiguous"
    assert ("12,345.00" if language == "en" else "12.345,00") in message


def test_the_ambiguity_message_is_german_in_german():
    _code, message = _refusal("5,000", "de")
    assert "Sie" in message
    assert "can mean" not in message


@pytest.mark.parametrize(
    ("language", "example"), [("de", "5.000,00"), ("en", "5,000.00")], ids=["de", "en"]
)
def test_the_hint_and_the_error_show_an_example_the_form_accepts(db, language, example):
    with override(language):
        form = ContributionForm(data={"amount": "abc"}, quarter=_quarter())
        assert not form.is_valid()
        hint = str(form.fields["amount"].help_text)
        error = form.errors["amount"][0]
        html = form["amount"].as_field_group()
        assert example in hint
        assert example in error
        assert example in html
        assert MoneyField().clean(example) == Decimal("5000.00")


def test_the_other_languages_example_is_not_offered(db):
    with override("en"):
        assert "5.000,00" not in str(
            ContributionForm(quarter=_quarter()).fields["amount"].help_text
        )
    with override("de"):
        assert "5,000.00" not in str(
            ContributionForm(quarter=_quarter()).fields["amount"].help_text
        )


# --- the loan amount on the request step, as an English-speaking advisor types it -------------


@pytest.fixture
def english_advisor(network):
    network.advisor.language = "en"
    network.advisor.save(update_fields=["language"])
    client = Client()
    client.force_login(network.advisor)
    return client


def _post_amount(client: Client, application: Application, amount: str):
    return client.post(
        reverse("application_edit", args=[application.pk, "request"]),
        {"amount": amount, "purpose": "Sewing machine", "term_months": "24", "grace_months": "0"},
    )


def _amount(application: Application) -> Decimal:
    with scopes_disabled():
        return Application.objects.get(pk=application.pk).amount


def test_an_english_loan_amount_of_1_000_is_refused_not_stored_as_one_euro(
    network, english_advisor
):
    before = _amount(network.own_application)

    response = _post_amount(english_advisor, network.own_application, "1.000")

    assert response.status_code == 400
    errors = response.context["form"].errors.as_data()["amount"]
    assert [e.code for e in errors] == ["ambiguous"]
    assert 'value="1.000"' in response.content.decode()
    assert _amount(network.own_application) == before


def test_an_english_loan_amount_with_a_comma_is_a_thousand(network, english_advisor):
    response = _post_amount(english_advisor, network.own_application, "1,000")

    assert response.status_code == 302
    assert _amount(network.own_application) == Decimal("1000.00")


def test_arabic_indic_digits_are_stored_as_the_amount_they_are(network, english_advisor):
    # Arabic-Indic "5000" typed on a phone set to Arabic.
    response = _post_amount(english_advisor, network.own_application, "\u0665\u0660\u0660\u0660")

    assert response.status_code == 302
    assert _amount(network.own_application) == Decimal("5000.00")
