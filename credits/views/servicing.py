"""The back office keeps a loan: proposes and decides a new schedule (four eyes), settles it
early, declares a default and records what the borrower pays after it. Thin views: the rules
are in `credits.servicing`; a form shown again keeps what was typed, with the service's
message at its field."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from miqua.audit.read_cache import cached_for
from miqua.forms import apply_validation_error
from miqua.money import format_eur

from .. import servicing
from ..extensions import LoanPanel
from ..fund_selectors import loan_written_off_open
from ..models import Loan, ScheduleVersion
from ..servicing_forms import (
    DecisionForm,
    DefaultForm,
    EarlyRepaymentForm,
    RecoveryForm,
    ReschedulingForm,
)
from ..servicing_selectors import payoff_amount, schedule_versions
from .access import object_for


def loan_for(request: HttpRequest, pk: int, *, perm: str) -> Loan:
    """Scoped first (a foreign quarter's loan does not exist for the user: 404), then the
    rights: to see the loan and `perm` (403)."""
    return object_for(
        request,
        Loan.objects.select_related("borrower", "quarter", "application"),
        pk,
        "credits.view_loan",
        perm,
    )


def loan_url(loan: Loan) -> str:
    """The loan's page; until the loan pages exist, the early repayment page, which shows
    the loan's schedules too."""
    try:
        return reverse("loan_detail", args=[loan.pk])
    except NoReverseMatch:
        return reverse("loan_repay_early", args=[loan.pk])


def versions_panel_context(request: HttpRequest, loan: Loan) -> Mapping[str, Any]:
    user = request.user
    return {
        # Kept per loan until its data changes (miqua/audit/read_cache.py).
        "schedule_versions": cached_for(
            loan, "schedule-versions", lambda: schedule_versions(loan=loan)
        ),
        "can_reschedule": loan.status == Loan.Status.RUNNING
        and user.has_perm("credits.reschedule_loan", loan),
        "can_decide_rescheduling": user.has_perm("credits.decide_rescheduling", loan),
        "can_declare_default": loan.status == Loan.Status.RUNNING
        and user.has_perm("credits.declare_default", loan),
        "can_repay_early": loan.status == Loan.Status.RUNNING
        and user.has_perm("credits.record_payment", loan),
    }


SCHEDULE_VERSIONS_PANEL = LoanPanel(
    name="schedule_versions",
    template="credits/servicing/_versions_panel.html",
    context=versions_panel_context,
    order=50,
)


def _page(
    request: HttpRequest, template: str, loan: Loan, status: int = 200, **context: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "loan": loan,
            "loan_url": loan_url(loan),
            **versions_panel_context(request, loan),
            **context,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rescheduling_propose(request: HttpRequest, pk: int) -> HttpResponse:
    loan = loan_for(request, pk, perm="credits.reschedule_loan")
    form = ReschedulingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = servicing.rescheduling_propose(
                loan=loan, actor=request.user, **form.service_kwargs()
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _(
                    "The new schedule (version %(number)s) is proposed. A second member of "
                    "staff approves or refuses it."
                )
                % {"number": version.number},
            )
            return redirect(loan_url(loan) + "#schedule-versions")
    status = 400 if request.method == "POST" else 200
    return _page(request, "credits/servicing/propose.html", loan, status, form=form)


@login_required
@require_POST
def rescheduling_decide(request: HttpRequest, pk: int, version_pk: int) -> HttpResponse:
    loan = loan_for(request, pk, perm="credits.decide_rescheduling")
    version = get_object_or_404(ScheduleVersion.objects.filter(loan=loan), pk=version_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose whether to approve or refuse the schedule."))
        return redirect(loan_url(loan) + "#schedule-versions")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        servicing.rescheduling_decide(version=version, approve=approve, actor=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("The new schedule is in force.") if approve else _("The new schedule is refused."),
        )
    return redirect(loan_url(loan) + "#schedule-versions")


@login_required
@require_http_methods(["GET", "POST"])
def loan_repay_early(request: HttpRequest, pk: int) -> HttpResponse:
    loan = loan_for(request, pk, perm="credits.view_loan")
    today = timezone.localdate()
    may_settle = loan.status == Loan.Status.RUNNING and request.user.has_perm(
        "credits.record_payment", loan
    )
    if request.method == "POST":
        if not may_settle:
            raise PermissionDenied
        form = EarlyRepaymentForm(request.POST)
        if form.is_valid():
            try:
                servicing.loan_repay_early(
                    loan=loan,
                    value_date=form.cleaned_data["value_date"],
                    amount=form.cleaned_data.get("amount"),
                    actor=request.user,
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("The loan is repaid and closed."))
                return redirect(loan_url(loan))
        day = form.cleaned_data.get("value_date")
        return _page(
            request,
            "credits/servicing/repay_early.html",
            loan,
            400,
            form=form,
            may_settle=may_settle,
            payoff=payoff_amount(loan=loan, day=day or today)
            if loan.status == Loan.Status.RUNNING
            else None,
        )
    form = EarlyRepaymentForm(initial={"value_date": today})
    day = today
    if "day" in request.GET:
        probe = EarlyRepaymentForm({"value_date": request.GET["day"]})
        if probe.is_valid():
            day = probe.cleaned_data["value_date"]
            form = EarlyRepaymentForm(initial={"value_date": day})
    payoff = payoff_amount(loan=loan, day=day) if loan.status == Loan.Status.RUNNING else None
    return _page(
        request,
        "credits/servicing/repay_early.html",
        loan,
        form=form,
        may_settle=may_settle,
        payoff=payoff,
    )


@login_required
@require_http_methods(["GET", "POST"])
def loan_default(request: HttpRequest, pk: int) -> HttpResponse:
    """A running loan: declare the default. A defaulted one: what it cost the fund, and the
    form for money the borrower pays after it (a recovery)."""
    loan = loan_for(request, pk, perm="credits.declare_default")
    defaulted = loan.status == Loan.Status.DEFAULTED
    data = request.POST or None
    form: DefaultForm | RecoveryForm = RecoveryForm(data) if defaulted else DefaultForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            if defaulted:
                result = servicing.loan_recovery_record(
                    loan=loan,
                    amount=form.cleaned_data["amount"],
                    value_date=form.cleaned_data["value_date"],
                    actor=request.user,
                )
                messages.success(
                    request,
                    _(
                        "Recorded: %(fund)s back to the fund, %(guarantors)s to the guarantors' "
                        "claims, %(left)s left to return to the borrower."
                    )
                    % {
                        "fund": format_eur(result.to_fund),
                        "guarantors": format_eur(result.to_guarantors),
                        "left": format_eur(result.left),
                    },
                )
            else:
                outcome = servicing.loan_declare_default(
                    loan=loan,
                    reason=form.cleaned_data["reason"],
                    day=form.cleaned_data["day"],
                    actor=request.user,
                )
                messages.success(
                    request,
                    _(
                        "The loan is defaulted: %(claimed)s claimed from the guarantors, "
                        "%(written_off)s written off."
                    )
                    % {
                        "claimed": format_eur(outcome.claimed),
                        "written_off": format_eur(outcome.written_off),
                    },
                )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            return redirect(loan_url(loan))
    status = 400 if request.method == "POST" else 200
    return _page(
        request,
        "credits/servicing/default.html",
        loan,
        status,
        form=form,
        defaulted=defaulted,
        written_off_open=loan_written_off_open(loan=loan) if defaulted else None,
    )
