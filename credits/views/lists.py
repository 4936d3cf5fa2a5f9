"""The list of applications: advisors see their quarters', the back office every quarter's."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quarters.models import Quarter

from .. import selectors
from ..filters import ALL, ApplicationFilter
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


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("credits.view_application"):
        raise PermissionDenied
    several_quarters = Quarter.objects.count() > 1
    filterset = ApplicationFilter(
        request.GET, queryset=selectors.applications_list(), request=request
    )
    if not several_quarters:
        # One quarter: nothing to choose, and the column would repeat the same name.
        del filterset.filters["quarter"]
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(applications=filterset.without_status())
    context = {
        "filter": filterset,
        "page_obj": page,
        "applications": page.object_list,
        "status_tabs": _status_tabs(counts, filterset.selected_status),
        "several_quarters": several_quarters,
        "is_filtered": filterset.is_filtered,
        "has_any": page.paginator.count > 0 or Application.objects.exists(),
    }
    return render(request, "credits/application_list.html", context)
