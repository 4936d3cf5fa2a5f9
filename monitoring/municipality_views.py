"""The municipality dashboard and its PDF report for the council (issue 11): aggregates of
the municipality's quarters, never a person."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from miqua.audit.read_cache import cached_read
from quarters.models import Municipality, Quarter

from .municipality_forms import ReportPeriodForm
from .municipality_pdf import render_report, report_filename
from .municipality_selectors import dashboard_municipality, municipality_dashboard, quarter_labels
from .suppression import SUPPRESSION_NOTE

PERM = "monitoring.view_municipality_dashboard"


def municipality_for(request: HttpRequest, pk: int) -> tuple[Municipality, list[Quarter]]:
    """The municipality with its quarters: 404 unless the user sees every quarter of it, 403
    unless their role may read its dashboard (the rule asked about each quarter)."""
    found = dashboard_municipality(user=request.user, pk=pk)
    if found is None:
        raise Http404
    municipality, quarters = found
    user = request.user
    if not user.has_perm(PERM) or not all(user.has_perm(PERM, q) for q in quarters):
        raise PermissionDenied
    return municipality, quarters


def _page(
    request: HttpRequest,
    municipality: Municipality,
    quarters: list[Quarter],
    form: ReportPeriodForm,
    status: int = 200,
) -> HttpResponse:
    # The same for every reader of the municipality until its data changes (read once).
    board = cached_read(
        "municipality-dashboard",
        lambda: municipality_dashboard(municipality=municipality, quarters=quarters),
        day=timezone.localdate(),
        parts=(municipality.pk,),
    )
    context = {
        "board": board,
        "columns": quarter_labels(board),
        "form": form,
        "note": SUPPRESSION_NOTE,
        "rates_shown": any(m.rate.shown for m in board.rate_history),
    }
    return render(request, "monitoring/municipality_dashboard.html", context, status=status)


@login_required
@require_safe
def municipality_dashboard_view(request: HttpRequest, pk: int) -> HttpResponse:
    municipality, quarters = municipality_for(request, pk)
    return _page(request, municipality, quarters, ReportPeriodForm())


@login_required
@require_safe
def municipality_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of a year (`?year=2012`) or a period (`?start=…&end=…`) as a PDF; a period
    that cannot be read shows the dashboard again with the message and what was typed."""
    municipality, quarters = municipality_for(request, pk)
    form = ReportPeriodForm(request.GET)
    if not form.is_valid():
        return _page(request, municipality, quarters, form, status=400)
    board = municipality_dashboard(
        municipality=municipality, quarters=quarters, period=form.period()
    )
    today = timezone.localdate()
    response = HttpResponse(render_report(board=board, today=today), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=report_filename(board, today)
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
