"""The filters of the loan list: status, quarter (or outside the quarters), in arrears today,
and a search by contract number, borrower or application reference.

The queryset comes from the scoped manager, so a filter only narrows what the user may see;
the quarter's choices are the quarters of the scope, and "outside the quarters" is offered to
those who keep such loans (staff) only.
"""

import datetime
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miqua.forms import QuickSelect

from .filters import borrowers_named, quarter_choices
from .loan_selectors import loans_in_arrears
from .models import Loan

OUTSIDE = "outside"
# "MQ-000042", "mq 42", "#42": an application's reference.
_REFERENCE = re.compile(r"^(?:mq\s*-?\s*|#)0*(\d{1,12})$", re.IGNORECASE)


def search(queryset: QuerySet[Loan], text: str) -> QuerySet[Loan]:
    """A contract number (or part of it), an application's reference ("MQ-000042"), or words
    that must each appear in the borrower's first or last name."""
    text = text.strip()
    if not text:
        return queryset
    match = _REFERENCE.match(text)
    if match:
        return queryset.filter(application_id=int(match.group(1)))
    condition = Q(contract_number__icontains=text.replace(" ", ""))
    names = Q()
    for word in text.split():
        names &= Q(borrower_id__in=borrowers_named(word))
    if text.isdigit():
        condition |= Q(application_id=int(text))
    return queryset.filter(condition | names)


class LoanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Contract number, name or MQ-number")}
        ),
    )
    quarter = django_filters.ChoiceFilter(
        label=_("Quarter"),
        method="filter_quarter",
        empty_label=_("All quarters"),
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Loan.Status.choices, empty_label=_("All")
    )
    arrears = django_filters.BooleanFilter(
        label=_("In arrears today"),
        method="filter_arrears",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Loan
        fields = ["q", "quarter", "status", "arrears"]

    def __init__(self, *args: Any, today: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        user = getattr(self.request, "user", None)
        choices: list[tuple[str, Any]] = list(quarter_choices(day=self.today))
        if user is not None and user.has_perm("credits.record_loan_outside"):
            choices.append((OUTSIDE, _("outside the quarters")))
        self.filters["quarter"].extra["choices"] = choices
        self.quarter_choices = choices

    def filter_search(self, queryset: QuerySet[Loan], name: str, value: str) -> QuerySet[Loan]:
        return search(queryset, value)

    def filter_quarter(self, queryset: QuerySet[Loan], name: str, value: str) -> QuerySet[Loan]:
        if value == OUTSIDE:
            return queryset.filter(quarter__isnull=True)
        return queryset.filter(quarter_id=int(value))

    def filter_arrears(
        self, queryset: QuerySet[Loan], name: str, value: bool | None
    ) -> QuerySet[Loan]:
        if not value:
            return queryset
        return loans_in_arrears(day=self.today, loans=queryset)

    @property
    def is_filtered(self) -> bool:
        self.form.is_valid()
        return any(self.form.cleaned_data.get(n) for n in ("q", "quarter", "status", "arrears"))
