"""The staff portfolio dashboard: the whole portfolio's figures on one page, the disruption
rate of the whole portfolio or of the quarter picked (`?quarter=<id>`), the quarters in pages."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from miqua.audit.read_cache import cached_read

from . import portfolio_selectors
from .quarter_param import picked_quarter, picker_quarters

QUARTERS_PAGE_SIZE = 50


@login_required
@require_safe
def portfolio_dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("monitoring.view_portfolio"):
        raise PermissionDenied
    quarter = picked_quarter(request)
    today = timezone.localdate()
    dashboard = cached_read(
        "portfolio",
        lambda: portfolio_selectors.portfolio_dashboard(today=today, quarter=quarter),
        day=today,
        parts=(quarter.pk if quarter else "",),
    )
    return render(
        request,
        "monitoring/portfolio_dashboard.html",
        {
            "d": dashboard,
            "quarter": quarter,
            "quarters": picker_quarters(),
            "page_obj": Paginator(dashboard.quarters, QUARTERS_PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "CapState": portfolio_selectors.CapState,
        },
    )
