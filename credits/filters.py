"""The filters of the application list: status, quarter and a free-text search.

The querysets come from the scoped selectors, so a filter can only narrow what the user may
see; a foreign quarter's id in the URL is simply not a valid choice.
"""

import datetime
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miqua.accounts.scoping import visible_quarter_ids
from miqua.audit.read_cache import cached_read
from miqua.forms import QuickSelect
from quarters.models import Quarter

from .models import Application, Borrower
from .workflow import OPEN_STATES

# "All" next to the statuses; no status at all means "all open", the page people start from.
ALL = "all"
STATUS_CHOICES = [(ALL, _("All")), *Application.Status.choices]

# "MQ-000042", "mq 42", "#42" or just "42": the reference people read out on the phone.
_REFERENCE = re.compile(r"^(?:mq\s*-?\s*|#)?0*(\d{1,12})$", re.IGNORECASE)


def quarter_choices(*, day: datetime.date) -> list[tuple[str, str]]:
    """The quarters of the reader's scope as (id, "Quarter (Municipality)") choices, read once
    per scope and change of the data (the back office's 600 rows on every view of a list)."""
    return cached_read("quarter-choices", _read_quarter_choices, day=day)


def _read_quarter_choices() -> list[tuple[str, str]]:
    # Scoped: only the quarters the user may see.
    quarters = Quarter.objects.select_related("municipality").order_by("municipality__name", "name")
    return [(str(q.pk), f"{q.name} ({q.municipality.name})") for q in quarters]


def search_key(text: str | None) -> str:
    """What a search text finds the same as: its words, in any case (the read cache's key)."""
    return " ".join((text or "").split()).casefold()


def search(queryset: QuerySet[Application], text: str) -> QuerySet[Application]:
    """A reference number ("MQ-000042", "42") finds that application; otherwise every word
    must appear in the borrower's first or last name or in the business name."""
    text = text.strip()
    if not text:
        return queryset
    match = _REFERENCE.match(text)
    if match:
        return queryset.filter(pk=int(match.group(1)))
    condition = Q()
    for word in text.split():
        condition &= Q(borrower_id__in=borrowers_named(word)) | Q(business_name__icontains=word)
    return queryset.filter(condition)


def borrowers_named(word: str) -> QuerySet[Borrower]:
    """The ids of the borrowers with `word` in their first or last name, for `pk__in` (the
    caller's queryset is scoped already). Asked of the borrowers on their own, so that on
    PostgreSQL each name's trigram index answers (credits 0009), not a scan of every row."""
    return (
        Borrower._base_manager.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        .order_by()
        .values("pk")
    )


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, business or MQ-number")}
        ),
    )
    # The choices are the scope's quarters, set per request in __init__: a foreign quarter's
    # id is not one of them, so it is ignored (a page) or refused (the API).
    quarter = django_filters.ChoiceFilter(
        label=_("Quarter"),
        method="filter_quarter",
        empty_label=_("All quarters"),
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )

    class Meta:
        model = Application
        fields = ["q", "quarter", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quarter_choices = quarter_choices(day=timezone.localdate())
        self.filters["quarter"].extra["choices"] = self.quarter_choices

    def filter_search(
        self, queryset: QuerySet[Application], name: str, value: str
    ) -> QuerySet[Application]:
        return search(queryset, value)

    def filter_quarter(
        self, queryset: QuerySet[Application], name: str, value: str
    ) -> QuerySet[Application]:
        return queryset.filter(quarter_id=int(value))

    def filter_status(
        self, queryset: QuerySet[Application], name: str, value: str
    ) -> QuerySet[Application]:
        if value == ALL:
            return queryset
        return queryset.filter(status=value)

    def _cleaned(self) -> dict[str, object]:
        # Invalid values (a foreign quarter's id, an unknown status) are left out: ignored.
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def selected_status(self) -> str:
        """The status tab in use: "" (all open), "all" or a status."""
        return str(self._cleaned().get("status") or "")

    def lists_status(self, status: str) -> bool:
        """Whether the list shows applications of `status` (the tab in use): its length is the
        sum of the status counts it shows, without counting it again."""
        selected = self._cleaned().get("status")
        if not selected:
            return status in OPEN_STATES
        return selected in (ALL, status)

    @property
    def searches(self) -> bool:
        """Whether a search text narrows the list."""
        return bool(self._cleaned().get("q"))

    @property
    def is_filtered(self) -> bool:
        cleaned = self._cleaned()
        return any(cleaned.get(name) for name in ("q", "quarter", "status"))

    def without_status(self) -> QuerySet[Application]:
        """The list filtered by everything but the status: what the status tabs count."""
        cleaned = self._cleaned()
        queryset = self.queryset.all()
        for name, filter_ in self.filters.items():
            if name != "status":
                queryset = filter_.filter(queryset, cleaned.get(name))
        return queryset

    def filter_queryset(self, queryset: QuerySet[Application]) -> QuerySet[Application]:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=OPEN_STATES)
        user = getattr(self.request, "user", None)
        few_quarters = user is not None and visible_quarter_ids(user) is not None
        if few_quarters or self.form.cleaned_data.get("q"):
            # A few quarters' applications, or those a search found: ordered by an expression,
            # so that the database reads them by quarter (or by the search's indexes) and sorts
            # those few. By the column it walked the network's list-order index newest first,
            # past every other application, until it had found a page (28 ms instead of 1 ms
            # for an advisor of quarters that are quiet lately, 30 ms instead of 18 for a
            # name: the planner cannot know how rare they are in that order).
            newest_first = ExpressionWrapper(
                F("updated_at") + Value(datetime.timedelta(0)), output_field=DateTimeField()
            )
            return queryset.order_by(newest_first.desc(), "-id")
        return queryset.order_by("-updated_at", "-id")
