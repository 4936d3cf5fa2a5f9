"""The list of applications: advisors see their quarters', the back office every quarter's;
`format=csv` gives every row of the filtered list as a file."""

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from miqua.audit.read_cache import KeptPage, cached_read
from miqua.csv_export import Column, csv_response, labels, rows_of, wants_csv

from .. import selectors
from ..filters import ALL, ApplicationFilter, search_key
from ..models import Application
from ..workflow import OPEN_STATES

PAGE_SIZE = 25
# Tabs shown even when empty: the steps an application is worked on. The others (decided,
# withdrawn, deferred) appear once there is something in them.
ALWAYS_SHOWN = (
    Application.Status.DRAFT,
    Application.Status.SUBMITTED,
    Application.Status.PREPARED,
    Application.Status.BEFORE_COMMITTEE,
)


@dataclass(frozen=True)
class StatusTab:
    value: str  # "" for all open, "all" for everything
    label: str | Promise
    count: int
    active: bool


def _status_tabs(counts: dict[str, int], selected: str) -> list[StatusTab]:
    tabs = [
        StatusTab("", _("All open"), sum(counts.get(s, 0) for s in OPEN_STATES), selected == "")
    ]
    for status in Application.Status:
        count = counts.get(status, 0)
        if count or status in ALWAYS_SHOWN or status == selected:
            tabs.append(StatusTab(status.value, status.label, count, selected == status))
    tabs.append(StatusTab(ALL, _("All"), sum(counts.values()), selected == ALL))
    return tabs


# What the file reads of an application and its relations (not the long texts of the form).
CSV_FIELDS = (
    "business_name",
    "amount",
    "status",
    "updated_at",
    "quarter__name",
    "quarter__municipality__name",
    "borrower__first_name",
    "borrower__last_name",
    "advisor__full_name",
    "advisor__email",
)


def _columns() -> list[Column[Application]]:
    """The list's columns, as the page shows them (all quarters' columns: the file has room)."""
    status = labels(Application.Status)
    return [
        Column(_("Reference"), lambda a: a.reference),
        Column(_("Borrower"), lambda a: a.borrower.full_name),
        Column(_("Business"), lambda a: a.business_name),
        Column(_("Quarter"), lambda a: a.quarter.name),
        Column(_("Municipality"), lambda a: a.quarter.municipality.name),
        Column(_("Amount"), lambda a: a.amount),
        Column(_("Status"), lambda a: status(a.status)),
        Column(_("Advisor"), lambda a: a.advisor.full_name or a.advisor.email if a.advisor else ""),
        Column(_("Last change"), lambda a: timezone.localdate(a.updated_at)),
    ]


@dataclass(frozen=True)
class _ListFigures:
    page: KeptPage
    counts: dict[str, int]
    has_any: bool


# A search that finds up to this many applications is read once, by id, status and last
# change: the tabs are counted from those, the page cut from them and its 25 rows read by id.
# Counting and then paging what a search's condition finds read every application twice
# (some 14 ms each on the national network): the condition joins the borrowers' names to the
# business name, which no index answers at once. A surname typed finds a few; a word in every
# name finds more than this, and is counted and paged by the condition.
FEW_FOUND = 1000


def _list_figures(filterset: ApplicationFilter, page_number: str | None) -> _ListFigures:
    found = filterset.without_status()
    few = selectors.found_if_few(found, limit=FEW_FOUND) if filterset.searches else None
    if few is None:
        counts = selectors.status_counts(applications=found)
        paginator = Paginator(filterset.qs, PAGE_SIZE)
        # The list's length from the tabs' counts: no second count of what the search found.
        paginator.count = sum(n for status, n in counts.items() if filterset.lists_status(status))
        page = paginator.get_page(page_number)
    else:
        counts = dict(Counter(row.status for row in few))
        # The list's order (ApplicationFilter.filter_queryset): newest change first.
        listed = sorted(
            (row for row in few if filterset.lists_status(row.status)),
            key=lambda row: (row.updated_at, row.pk),
            reverse=True,
        )
        page = Paginator([row.pk for row in listed], PAGE_SIZE).get_page(page_number)
        rows = filterset.queryset.in_bulk(page.object_list)
        page.object_list = [rows[pk] for pk in page.object_list]
    return _ListFigures(
        page=KeptPage.of(page),
        counts=counts,
        has_any=page.paginator.count > 0 or Application.objects.exists(),
    )


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("credits.view_application"):
        raise PermissionDenied
    filterset = ApplicationFilter(
        request.GET, queryset=selectors.applications_list(), request=request
    )
    several_quarters = len(filterset.quarter_choices) > 1
    if not several_quarters:
        # One quarter: nothing to choose, and the column would repeat the same name.
        del filterset.filters["quarter"]
    if wants_csv(request):
        return csv_response(
            rows=rows_of(filterset.qs.only(*CSV_FIELDS)), columns=_columns(), name=_("Applications")
        )
    page_number = request.GET.get("page")
    filterset.is_valid()  # the values that are not valid are left out (ignored)
    cleaned = filterset.form.cleaned_data
    # The tabs and pages everybody of a scope opens, and a search asked again (back from an
    # application, the next page of what it found): kept until the data changes
    # (miqua/audit/read_cache.py), so such a view costs its rendering only.
    figures = cached_read(
        "application-list",
        lambda: _list_figures(filterset, page_number),
        day=timezone.localdate(),
        parts=(
            cleaned.get("quarter") or "",
            cleaned.get("status") or "",
            search_key(cleaned.get("q")),
            page_number or "",
        ),
    )
    page = figures.page.page()
    context = {
        "filter": filterset,
        "page_obj": page,
        "applications": page.object_list,
        "status_tabs": _status_tabs(figures.counts, filterset.selected_status),
        "several_quarters": several_quarters,
        "is_filtered": filterset.is_filtered,
        "has_any": figures.has_any,
    }
    return render(request, "credits/application_list.html", context)
