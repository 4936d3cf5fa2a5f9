"""Adding and removing the guarantors of a draft, on the application's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from credits.models import Application
from credits.views.access import application_for
from credits.views.detail import render_application_detail
from miqua.forms import apply_validation_error
from miqua.money import format_eur

from . import services
from .forms import GuaranteeForm
from .models import Guarantee


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
