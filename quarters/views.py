from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from miqua.audit.selectors import audit_trail_for_quarter
from miqua.forms import apply_validation_error
from miqua.money import format_eur

from . import selectors, services
from .forms import ContributionForm
from .models import Quarter


def _quarter_page(
    request: HttpRequest, quarter: Quarter, form: ContributionForm | None, status: int = 200
) -> HttpResponse:
    fund = getattr(quarter, "fund", None)
    can_record = request.user.has_perm("quarters.record_contribution", quarter)
    context = {
        "quarter": quarter,
        "fund": fund,
        "figures": selectors.fund_figures(fund=fund) if fund else None,
        "partners": selectors.partner_totals(fund=fund) if fund else [],
        "contributions": selectors.contributions_of(fund=fund) if fund else [],
        "form": (form or ContributionForm(quarter=quarter)) if can_record and fund else None,
        "audit_entries": (
            audit_trail_for_quarter(quarter_id=quarter.pk)
            if request.user.has_perm("quarters.view_audit_trail", quarter)
            else None
        ),
    }
    return render(request, "quarters/quarter_detail.html", context, status=status)


def _get_quarter(request: HttpRequest, slug: str) -> Quarter:
    # Scoped: a quarter the user may not see does not exist for them (404).
    quarter = get_object_or_404(Quarter.objects.select_related("municipality", "fund"), slug=slug)
    if not request.user.has_perm("quarters.view_quarter_page", quarter):
        raise PermissionDenied
    return quarter


@login_required
def quarter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _quarter_page(request, _get_quarter(request, slug), form=None)


@login_required
@require_POST
def contribution_create(request: HttpRequest, slug: str) -> HttpResponse:
    quarter = _get_quarter(request, slug)
    if not request.user.has_perm("quarters.record_contribution", quarter) or not hasattr(
        quarter, "fund"
    ):
        raise PermissionDenied
    form = ContributionForm(request.POST, quarter=quarter)
    if form.is_valid():
        try:
            contribution = services.contribution_record(
                fund=quarter.fund, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _("Recorded: %(partner)s paid in %(amount)s.")
                % {"partner": contribution.partner, "amount": format_eur(contribution.amount)},
            )
            return redirect("quarter_detail", slug=quarter.slug)
    # Re-show the page with every typed value kept and the errors next to their fields.
    return _quarter_page(request, quarter, form=form, status=400)
