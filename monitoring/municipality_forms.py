"""The period of the municipality's report: a year, or a span of days."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from miqua.forms import DateField

from .municipality_selectors import Period

EARLIEST = datetime.date(2000, 1, 1)


class ReportPeriodForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=EARLIEST.year,
        max_value=2100,
        error_messages={
            "invalid": _("Please enter a year with four digits, for example 2012."),
            "min_value": _("Please enter a year from %(limit_value)s on."),
            "max_value": _("Please enter a year up to %(limit_value)s."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "class": "number"}),
    )
    start = DateField(label=_("From"), required=False, earliest=EARLIEST)
    end = DateField(label=_("To"), required=False, earliest=EARLIEST)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        year, start, end = data.get("year"), data.get("start"), data.get("end")
        if year is not None and (start or end):
            raise forms.ValidationError(
                _("Please enter either a year or a period from – to, not both."), code="both"
            )
        if year is None and not start and not end:
            raise forms.ValidationError(
                _("Please enter a year or a period (from, to, or both)."), code="empty"
            )
        if start and end and start > end:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        if data.get("year") is not None:
            return Period.year(data["year"])
        return Period(data.get("start"), data.get("end"))
