"""Form fields shared by every app: money typed the way the active language writes it, dates from
the date picker."""

import datetime
import html
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils import formats, timezone
from django.utils.functional import Promise, lazy
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from miqua.money import (
    CENT,
    amount_example,
    format_amount,
    invalid_amount_message,
    quantize_eur,
    validate_positive_amount,
)

# People type amounts and dates on phones set to Arabic or Persian, or with a Japanese or Chinese
# input method. We read those digits on purpose instead of refusing them (and instead of relying
# on Decimal() and strptime() happening to read some of them): every Unicode decimal digit
# (category Nd: Arabic-Indic, Persian, fullwidth, Devanagari ...) becomes its ASCII digit, and
# fullwidth punctuation its ASCII twin. A superscript two and other digits that are no decimal
# digits are not touched, so they stay refused.
_FULLWIDTH_PUNCTUATION = str.maketrans(
    {
        "\uff0e": ".",  # fullwidth full stop
        "\uff0c": ",",  # fullwidth comma
        "\uff0d": "-",  # fullwidth hyphen-minus
        "\u2212": "-",  # minus sign
        "\uff0f": "/",  # fullwidth solidus
        "\uff1a": ":",  # fullwidth colon
        "\u3000": " ",  # ideographic space
    }
)
# The Arabic decimal and thousands separators mean one thing whatever the language.
_ARABIC_DECIMAL = "\u066b"
_ARABIC_THOUSANDS = "\u066c"


def normalise_digits(text: str) -> str:
    """Unicode decimal digits and fullwidth punctuation to ASCII: Arabic-Indic five thousand
    becomes "5000", a fullwidth ISO date "2012-09-14". Anything else is left as it is."""
    if text.isascii():
        return text
    text = text.translate(_FULLWIDTH_PUNCTUATION)
    return "".join(
        str(unicodedata.decimal(char)) if unicodedata.category(char) == "Nd" else char
        for char in text
    )


def _grouped(text: str, thousands: str) -> str | None:
    """ "12.345.678" -> "12345678" if the groups are well formed, else None."""
    head, *groups = text.split(thousands)
    if not (1 <= len(head) <= 3) or any(len(g) != 3 for g in groups):
        return None
    return "".join([head, *groups])


class AmbiguousAmount(ValueError):
    """The text is a whole amount with grouped thousands in the other convention and an amount
    with three decimal places in ours: "5.000" in English, "5,000" in German."""

    def __init__(self, grouped: Decimal, as_decimal: Decimal) -> None:
        super().__init__(f"{grouped} or {as_decimal}")
        self.grouped = grouped
        self.as_decimal = as_decimal


def parse_amount(text: str, *, thousands: str, decimal: str) -> Decimal | None:
    """Read an amount typed with the locale's separators; None if it cannot be read safely.

    A lone separator of the other convention before one or two digits ("499.99" in German) is
    read as the decimal mark, because no one groups thousands that way; "5.000" is five
    thousand in German and "5,000" in English. Anything ambiguous is refused rather than
    guessed: a misread amount is worse than a question. So our decimal mark before exactly
    three digits, with no grouping before it ("5.000" in English, "1,250" in German), raises
    `AmbiguousAmount`: it is a grouped whole amount in the other convention, and an amount
    with three decimal places, which no euro amount has, in ours.

    Digits and separators of other scripts are read as described at `normalise_digits`; the
    Arabic decimal and thousands separators are read as what they are.
    """
    text = normalise_digits(text).replace(_ARABIC_DECIMAL, decimal)
    text = text.replace(_ARABIC_THOUSANDS, thousands)
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    if decimal in text:
        whole, _sep, fraction = text.rpartition(decimal)
        if (
            thousands not in whole
            and len(fraction) == 3
            and 1 <= len(whole) <= 3
            and not whole.startswith("0")
            and f"{whole}{fraction}".isdecimal()
        ):
            raise AmbiguousAmount(
                grouped=Decimal(f"{sign}{whole}{fraction}"),
                as_decimal=Decimal(f"{sign}{whole}.{fraction}"),
            )
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


def _ambiguous_message(typed: str, error: AmbiguousAmount) -> str:
    grouped = format_amount(error.grouped)
    if error.as_decimal == error.as_decimal.quantize(CENT):
        return gettext(
            "“%(typed)s” can mean %(grouped)s or %(decimal)s: please type one of the two."
        ) % {"typed": typed, "grouped": grouped, "decimal": format_amount(error.as_decimal)}
    return gettext(
        "Amounts have at most two decimal places: if you meant %(grouped)s, please type it "
        "like that."
    ) % {"grouped": grouped}


def amount_hint(template: str) -> Promise:
    """A help text with the example amount written as the active language reads it, e.g.
    amount_hint(gettext_noop("For example %(example)s")); translated when shown."""
    return lazy(lambda: gettext(template) % {"example": amount_example()}, str)()


class MoneyField(forms.Field):
    """An amount in EUR as people type it: "5.000", "5000,50", "5.000,50 €" in German,
    "5,000.50" in English. The value is a Decimal with two places; the rules of
    `validate_positive_amount` apply, so the form says the same as the service."""

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
        typed = str(value).strip()
        text = typed.replace("€", "").replace("EUR", "")
        for space in (" ", "\u00a0", "\u202f", "\u3000"):
            text = text.replace(space, "")
        try:
            amount = parse_amount(
                text,
                thousands=formats.get_format("THOUSAND_SEPARATOR"),
                decimal=formats.get_format("DECIMAL_SEPARATOR"),
            )
        except AmbiguousAmount as e:
            raise ValidationError(_ambiguous_message(typed, e), code="ambiguous") from None
        if amount is None:
            raise ValidationError(
                self.error_messages.get("invalid") or invalid_amount_message(), code="invalid"
            )
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
            return format_amount(value)
        return value


DateBound = datetime.date | Callable[[], datetime.date]


def _resolve(bound: DateBound | None) -> datetime.date | None:
    return bound() if callable(bound) else bound


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: datetime.date, years: int) -> datetime.date:
    return years_before(day, -years)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_iso_date(text: str) -> bool:
    """What a browser's date input can show: an existing day written YYYY-MM-DD."""
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _as_iso_date(text: str) -> str | None:
    """The ISO form of a date typed in one of the active language's input formats, else None."""
    text = normalise_digits(text).strip()
    for fmt in formats.get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.datetime.strptime(text, fmt).date().isoformat()
        except (TypeError, ValueError):
            continue
    return None


class DateInput(forms.DateInput):
    """The browser's date picker; it submits ISO dates, which Django accepts in every language.

    With `earliest`/`latest` (dates, or callables for "today"-relative bounds, evaluated at
    each rendering) the picker offers only that range; the field checks it again."""

    input_type = "date"

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        earliest: DateBound | None = None,
        latest: DateBound | None = None,
    ) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
        self.earliest = earliest
        self.latest = latest

    def format_value(self, value: Any) -> str | None:
        # A typed date that Django reads ("15.02.1980") goes back as the ISO date the picker
        # shows; anything else is returned exactly as typed (see get_context).
        if isinstance(value, str):
            return _as_iso_date(value) or value
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        for attr, bound in (("min", self.earliest), ("max", self.latest)):
            day = _resolve(bound)
            if day is not None and attr not in self.attrs:
                attrs.setdefault(attr, day.isoformat())
        context = super().get_context(name, value, attrs)
        shown = context["widget"]["value"]
        if shown and not _is_iso_date(shown):
            # A browser empties a date input whose value is no valid ISO date, so "31.02.1980"
            # would vanish next to the message that it cannot be read, although the page says
            # that everything typed is kept: such a value is shown in a plain text box.
            context["widget"]["type"] = "text"
        return context


class DateField(forms.DateField):
    """A date typed or picked, refused with a message outside the range that is plausible for
    what it is (no contribution paid in the year 1, no business founded in 9999).

    `earliest` and `latest` are dates or callables (for bounds relative to today). The
    messages "too_early" and "too_late" may be replaced per field; they can use
    %(earliest)s and %(latest)s, written the way the active language writes dates. Digits of
    other scripts are read as their ASCII digits (see `normalise_digits`).
    """

    default_error_messages = {
        "too_early": gettext_lazy("Please check the year: the date cannot be before %(earliest)s."),
        "too_late": gettext_lazy("Please check the year: the date cannot be after %(latest)s."),
    }

    def __init__(
        self,
        *,
        earliest: DateBound | None = None,
        latest: DateBound | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", DateInput(earliest=earliest, latest=latest))
        super().__init__(**kwargs)
        self.earliest = earliest
        self.latest = latest

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str):
            value = normalise_digits(value).strip()
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        self.check_bounds(value)

    def check_bounds(self, value: datetime.date) -> None:
        earliest, latest = _resolve(self.earliest), _resolve(self.latest)
        shown = {
            "earliest": earliest and formats.date_format(earliest, "SHORT_DATE_FORMAT"),
            "latest": latest and formats.date_format(latest, "SHORT_DATE_FORMAT"),
        }
        if earliest is not None and value < earliest:
            raise ValidationError(self.error_messages["too_early"] % shown, code="too_early")
        if latest is not None and value > latest:
            raise ValidationError(self.error_messages["too_late"] % shown, code="too_late")


class BirthDateField(DateField):
    """A date of birth of a person who can sign a loan contract or a guarantee: of age, and not
    older than people are."""

    default_error_messages = {
        "future": gettext_lazy("The date of birth must be in the past. Please check the year."),
        "too_young": gettext_lazy(
            "The person must be at least %(min_age)s years old to sign. Please check the year "
            "of the date of birth."
        ),
        "too_old": gettext_lazy(
            "Please check the year of the date of birth: the person would be older than "
            "%(max_age)s."
        ),
    }

    def __init__(self, *, min_age: int = 18, max_age: int = 100, **kwargs: Any) -> None:
        self.min_age, self.max_age = min_age, max_age
        super().__init__(
            earliest=lambda: (
                years_before(timezone.localdate(), max_age + 1) + datetime.timedelta(days=1)
            ),
            latest=lambda: years_before(timezone.localdate(), min_age),
            **kwargs,
        )

    def check_bounds(self, value: datetime.date) -> None:
        today = timezone.localdate()
        ages = {"min_age": self.min_age, "max_age": self.max_age}
        if value >= today:
            raise ValidationError(self.error_messages["future"], code="future")
        if value > _resolve(self.latest):  # type: ignore[operator]
            raise ValidationError(self.error_messages["too_young"] % ages, code="too_young")
        if value < _resolve(self.earliest):  # type: ignore[operator]
            raise ValidationError(self.error_messages["too_old"] % ages, code="too_old")


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


def escaped(value: Any) -> str:
    """conditional_escape without its lazy-string wrapper, which cost as much as the rest of
    an option (for the 600 quarters of a select or a picker): markup marked safe stays as it
    is, anything else is escaped."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


class QuickSelect(forms.Select):
    """A select that writes its options in Python, the same markup as Django's Select. The
    stock widget renders a template per option, and even its option dictionaries cost: for the
    quarters of a national network (600 options) that was half the time of a list page, on every
    request. One selected option at most, as Django's Select."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        wanted = set(self.format_value(value))
        found = False

        def option(option_value: Any, label: Any) -> str:
            nonlocal found
            text = "" if option_value is None else str(option_value)
            selected = not found and text in wanted
            found = found or selected
            return '\n  <option value="{}"{}>{}</option>'.format(
                escaped(text), " selected" if selected else "", escaped(label)
            )

        parts = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # a group: (name, [(value, label), ...])
                inner = "".join(option(v, sub) for v, sub in label)
                group = conditional_escape(option_value)
                parts.append(f'\n  <optgroup label="{group}">{inner}\n  </optgroup>')
            else:
                parts.append(option(option_value, label))
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flatatt(final_attrs),
            mark_safe("".join(parts)),  # noqa: S308 (each value and label escaped above)
        )
