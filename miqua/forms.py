"""Form fields shared by every app: money typed the German way, dates from the date picker."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from miqua.money import quantize_eur, validate_positive_amount


def _grouped(text: str, thousands: str) -> str | None:
    """ "12.345.678" -> "12345678" if the groups are well formed, else None."""
    head, *groups = text.split(thousands)
    if not (1 <= len(head) <= 3) or any(len(g) != 3 for g in groups):
        return None
    return "".join([head, *groups])


def parse_amount(text: str, *, thousands: str, decimal: str) -> Decimal | None:
    """Read an amount typed with the locale's separators; None if it cannot be read safely.

    A lone separator of the other convention before one or two digits ("499.99" in German) is
    read as the decimal mark, because no one groups thousands that way; "5.000" is five
    thousand. Anything ambiguous is refused rather than guessed: a misread amount is worse
    than a question.
    """
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    if decimal in text:
        whole, _sep, fraction = text.rpartition(decimal)
        if thousands in whole:
            whole = _grouped(whole, thousands) or ""
        if not whole or decimal in whole or thousands in fraction:
            return None
    elif thousands in text:
        grouped = _grouped(text, thousands)
        if grouped is not None:
            whole, fraction = grouped, ""
        elif text.count(thousands) == 1 and 1 <= len(text.rsplit(thousands, 1)[1]) <= 2:
            whole, fraction = text.split(thousands)
        else:
            return None
    else:
        whole, fraction = text, ""
    # isdecimal, not isdigit: "²" is a digit that Decimal() cannot read.
    if not whole.isdecimal() or (fraction and not fraction.isdecimal()):
        return None
    return Decimal(f"{sign}{whole}.{fraction or '0'}")


class MoneyField(forms.Field):
    """An amount in EUR as people type it: "5.000", "5000,50", "5.000,50 €" in German,
    "5,000.50" in English. The value is a Decimal with two places; the rules of
    `validate_positive_amount` apply, so the form says the same as the service."""

    default_error_messages = {
        "invalid": _("Please enter an amount in euros, for example 5.000,00."),
    }

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", "20")
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("class", "money")

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        text = str(value).strip()
        text = text.replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "")
        amount = parse_amount(
            text,
            thousands=formats.get_format("THOUSAND_SEPARATOR"),
            decimal=formats.get_format("DECIMAL_SEPARATOR"),
        )
        if amount is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            validate_positive_amount(value)

    def clean(self, value: Any) -> Decimal | None:
        amount = super().clean(value)
        # Two places, as promised: "5.000" is 5000.00. Exact, validate() refused more decimals.
        return None if amount is None else quantize_eur(amount)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return formats.number_format(value, 2, use_l10n=True, force_grouping=True)
        return value


class DateInput(forms.DateInput):
    """The browser's date picker; it submits ISO dates, which Django accepts in every language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def apply_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors at their fields, the rest on
    top. Fields the form lacks go on top too, so no message is ever lost."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class FormRenderer(TemplatesSetting):
    """Every form renders with the project's field markup: label, input, help, errors in place."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
