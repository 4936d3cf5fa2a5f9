"""The GDPR pages: the information under Art. 15 about a borrower or a guarantor (reached
from their pages, for the back office), and the record of erasures with the ones to come."""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from credits.extensions import BorrowerPanel
from credits.models import Borrower
from credits.views.access import object_for
from guarantors.extensions import GuarantorPanel
from guarantors.models import Guarantor
from miqua.personal_data import BORROWER, GUARANTOR, Period

from . import selectors, services
from .access import report_filename
from .models import Erasure

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "pdf": "application/pdf"}
ERASURES_PAGE_SIZE = 50


def _access_view(
    kind: str, model: type[models.Model], fmt: services.Format
) -> Callable[[HttpRequest, int], HttpResponse]:
    """The view of the information about a person of `kind` as `fmt`."""

    @login_required
    @require_safe
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        # Scoped first (a foreign quarter's person does not exist for the user: 404), then the
        # right (403).
        record = object_for(request, model.objects.all(), pk, "privacy.give_access")
        data = services.access_give(kind=kind, record=record, fmt=fmt, actor=request.user)
        response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
        filename = report_filename(
            kind=kind, person_id=record.pk, day=timezone.localdate(), extension=fmt
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=fmt == "json", filename=filename
        )
        # Personal data: no shared cache may keep it, nor the browser's after the tab is closed.
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    return view


borrower_access_json = _access_view(BORROWER, Borrower, "json")
borrower_access_pdf = _access_view(BORROWER, Borrower, "pdf")
guarantor_access_json = _access_view(GUARANTOR, Guarantor, "json")
guarantor_access_pdf = _access_view(GUARANTOR, Guarantor, "pdf")


# --- The panel on the person's page ------------------------------------------------------------


def _panel_context(
    kind: str, prefix: str
) -> Callable[[HttpRequest, models.Model], Mapping[str, Any]]:
    def context(request: HttpRequest, record: models.Model) -> Mapping[str, Any]:
        if not request.user.has_perm("privacy.give_access", record):
            return {"privacy_access": None}
        return {
            "privacy_access": {
                "json": reverse(f"{prefix}_access_json", args=[record.pk]),
                "pdf": reverse(f"{prefix}_access_pdf", args=[record.pk]),
                "erasure": Erasure.objects.filter(kind=kind, person_id=record.pk).first(),
            }
        }

    return context


PANEL_TEMPLATE = "privacy/_access_panel.html"
BORROWER_PANEL = BorrowerPanel(
    name="privacy", template=PANEL_TEMPLATE, context=_panel_context(BORROWER, "borrower"), order=900
)
GUARANTOR_PANEL = GuarantorPanel(
    name="privacy",
    template=PANEL_TEMPLATE,
    context=_panel_context(GUARANTOR, "guarantor"),
    order=900,
)


# --- The erasures -----------------------------------------------------------------------------


@login_required
@require_safe
def erasure_list(request: HttpRequest) -> HttpResponse:
    """What was erased and when, and who becomes due in the next days (by pseudonym)."""
    if not request.user.has_perm("privacy.view_erasures"):
        raise PermissionDenied
    today = timezone.localdate()
    page = Paginator(selectors.erasures_done(), ERASURES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "privacy/erasure_list.html",
        {
            "today": today,
            "upcoming": selectors.upcoming_erasures(today=today),
            "upcoming_days": selectors.UPCOMING_DAYS,
            "page_obj": page,
            "unfunded_months": Period.UNFUNDED.months(),
            "retention_years": Period.RETENTION.months() // 12,
        },
    )
