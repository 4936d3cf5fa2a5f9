from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import selectors as committee_selectors
from committees.selectors import current_memberships_of
from credits import selectors as credit_selectors
from credits.models import Application
from credits.workflow import OPEN_STATES
from miqua.accounts.models import Role
from miqua.audit.selectors import audit_trail_for_quarter
from miqua.forms import apply_validation_error
from miqua.money import format_eur

from . import selectors, services
from .forms import ContributionForm
from .models import Quarter


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: the quarters it may see, with their fund figures."""
    user = request.user
    if user.role == Role.COMMITTEE_MEMBER:
        memberships = list(current_memberships_of(user=user))
        # Each committee's open ballots, with the cases this member has still to vote on.
        ballots = committee_selectors.open_ballots_to_vote(user=user)
        for membership in memberships:
            membership.open_ballots = [
                b for b in ballots if b["ballot"].committee_id == membership.committee_id
            ]
        return render(request, "quarters/home_committee.html", {"memberships": memberships})
    overviews = selectors.quarter_overviews()
    return render(
        request,
        "quarters/home.html",
        {
            "overviews": overviews,
            "totals": selectors.totals_of(overviews),
            "application_counts": _application_counts(request),
        },
    )


def _application_counts(request: HttpRequest) -> dict[str, int] | None:
    """What waits in the application list: for the back office the submitted and prepared
    ones, for advisors their drafts and everything open. None for those who may not see it."""
    if not request.user.has_perm("credits.view_application"):
        return None
    counts = credit_selectors.status_counts()
    S = Application.Status
    return {
        "draft": counts.get(S.DRAFT, 0),
        "submitted": counts.get(S.SUBMITTED, 0),
        "prepared": counts.get(S.PREPARED, 0),
        "open": sum(counts.get(status, 0) for status in OPEN_STATES),
    }


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
        "form": (form or ContributionForm()) if can_record and fund else None,
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
    form = ContributionForm(request.POST)
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
