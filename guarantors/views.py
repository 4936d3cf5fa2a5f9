"""Adding and removing the guarantors of a draft, on the application's page."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from credits.extensions import LoanPanel
from credits.models import Application, Loan
from credits.views.access import application_for, object_for
from credits.views.detail import render_application_detail
from credits.views.servicing import loan_url
from miqua.forms import apply_validation_error
from miqua.money import format_eur

from . import extensions, selectors, services
from .forms import ClaimUpdateForm, GuaranteeForm
from .models import Guarantee, Guarantor, GuarantorClaim


def _application_for_guarantees(request: HttpRequest, pk: int) -> Application:
    # Scoped: another quarter's application does not exist for this user (404).
    application = application_for(request, pk, perm="credits.view_application")
    if not request.user.has_perm("guarantors.manage_guarantees", application):
        raise PermissionDenied(
            _(
                "Guarantors are added and removed by the quarter's advisors while the "
                "application is a draft."
            )
        )
    return application


def _guarantees_url(application: Application) -> str:
    return reverse("application_detail", args=[application.pk]) + "#guarantees"


@login_required
@require_POST
def guarantee_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for_guarantees(request, pk)
    form = GuaranteeForm(request.POST, application=application)
    if form.is_valid():
        try:
            guarantee = services.guarantee_add(
                application=application, actor=request.user, **form.service_kwargs()
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _("%(name)s now guarantees %(amount)s.")
                % {"name": guarantee.guarantor.full_name, "amount": format_eur(guarantee.amount)},
            )
            return redirect(_guarantees_url(application))
    return render_application_detail(request, application, status=400, guarantee_form=form)


@login_required
@require_POST
def guarantee_remove(request: HttpRequest, pk: int, guarantee_pk: int) -> HttpResponse:
    application = _application_for_guarantees(request, pk)
    guarantee = get_object_or_404(
        Guarantee.objects.filter(application=application).select_related(
            "guarantor", "application"
        ),
        pk=guarantee_pk,
    )
    services.guarantee_remove(guarantee=guarantee, actor=request.user)
    messages.success(
        request,
        _("%(name)s no longer guarantees for this application.")
        % {"name": guarantee.guarantor.full_name},
    )
    return redirect(_guarantees_url(application))


# --- The guarantors' claims of a defaulted loan ------------------------------------------------


def claims_panel_context(request: HttpRequest, loan: Loan) -> Mapping[str, Any]:
    claims = selectors.claims_of(loan=loan) if loan.status == Loan.Status.DEFAULTED else []
    return {
        "guarantor_claims": claims,
        "can_manage_claims": bool(claims)
        and request.user.has_perm("guarantors.manage_claims", loan),
    }


CLAIMS_PANEL = LoanPanel(
    name="guarantor_claims",
    template="guarantors/_claims_panel.html",
    context=claims_panel_context,
    order=60,
)


@login_required
@require_http_methods(["GET", "POST"])
def claim_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what a guarantor paid on their claim, or waive what is still open."""
    claim = get_object_or_404(
        GuarantorClaim.objects.select_related("guarantee__guarantor", "loan__borrower"), pk=pk
    )
    if not request.user.has_perm("guarantors.manage_claims", claim):
        raise PermissionDenied
    form = ClaimUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "pay":
                services.claim_record_payment(
                    claim=claim, amount=data["amount"], day=data["day"], actor=request.user
                )
            else:
                services.claim_waive(claim=claim, note=data["note"], actor=request.user)
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _("The claim of %(name)s is updated.")
                % {"name": claim.guarantee.guarantor.full_name},
            )
            return redirect(loan_url(claim.loan) + "#guarantor-claims")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "guarantors/claim_update.html",
        {"claim": claim, "loan": claim.loan, "loan_url": loan_url(claim.loan), "form": form},
        status=status,
    )


# --- A guarantor's page -----------------------------------------------------------------------


@login_required
@require_safe
def guarantor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The person, the applications they stand for and the claims on them. Scoped first (a
    foreign quarter's guarantor does not exist for the user: 404), then the right (403)."""
    guarantor = object_for(
        request,
        Guarantor.objects.select_related("quarter__municipality"),
        pk,
        "guarantors.view_guarantor",
    )
    context: dict[str, Any] = {
        "guarantor": guarantor,
        "guarantees": selectors.guarantees_of_guarantor(guarantor=guarantor),
        "claims": selectors.claims_of_guarantor(guarantor=guarantor),
    }
    extensions.add_guarantor_panels(context, request, guarantor)
    return render(request, "guarantors/guarantor_detail.html", context)
