"""The contact log's pages: the worklist of due contacts, recording a contact, and the loan
page's contacts panel."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from credits.extensions import LoanPanel
from credits.models import Loan
from credits.views.loans import loan_for, render_loan_detail
from miqua.forms import apply_validation_error

from . import contact_selectors
from .contact_forms import ContactForm
from .contact_services import contact_record as record

# Where a quick form came from, so a bad input is shown again on that very page.
FROM_WORKLIST = "worklist"
FROM_LOAN = "loan"


def _form_prefix(loan: Loan) -> str:
    return f"contact-{loan.pk}"


def _check_may_see_contacts(request: HttpRequest) -> None:
    if not request.user.has_perm("monitoring.view_contacts"):
        raise PermissionDenied


def render_worklist(
    request: HttpRequest, *, status: int = 200, bound: ContactForm | None = None, loan_pk: int = 0
) -> HttpResponse:
    rows = contact_selectors.due_contacts(today=timezone.localdate())
    items = [
        {
            "due": row,
            "form": bound
            if bound is not None and row.loan.pk == loan_pk
            else ContactForm(prefix=_form_prefix(row.loan)),
        }
        for row in rows
    ]
    return render(
        request,
        "monitoring/contact_worklist.html",
        {
            "items": items,
            "weekly_count": sum(1 for row in rows if row.weekly),
            "from_worklist": FROM_WORKLIST,
            "open_loan_pk": loan_pk,
        },
        status=status,
    )


@login_required
def contact_worklist(request: HttpRequest) -> HttpResponse:
    """The due contacts of the user's quarters (the back office: of every loan)."""
    _check_may_see_contacts(request)
    return render_worklist(request)


@login_required
@require_http_methods(["GET", "POST"])
def contact_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a contact with the borrower of loan `pk`. The quick forms of the worklist and the
    loan page post here and say where they came from (`from`), so an error shows on that page
    with what was typed."""
    loan = loan_for(request, pk, perm="monitoring.record_contact")
    source = request.POST.get("from", "") if request.method == "POST" else ""
    prefix = _form_prefix(loan) if source in (FROM_WORKLIST, FROM_LOAN) else None
    form = ContactForm(request.POST or None, prefix=prefix)
    if request.method == "POST" and form.is_valid():
        try:
            record(borrower=loan.borrower, loan=loan, actor=request.user, **form.service_kwargs())
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _("The contact with %(name)s is recorded.") % {"name": loan.borrower.full_name},
            )
            if source == FROM_WORKLIST:
                return redirect(reverse("contact_worklist"))
            return redirect(reverse("loan_detail", args=[loan.pk]) + "#contacts")
    if request.method == "POST":
        if source == FROM_WORKLIST:
            return render_worklist(request, status=400, bound=form, loan_pk=loan.pk)
        if source == FROM_LOAN:
            return render_loan_detail(request, loan, status=400, contact_form=form)
    return render(
        request,
        "monitoring/contact_record.html",
        {"loan": loan, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def contacts_panel_context(request: HttpRequest, loan: Loan) -> Mapping[str, Any]:
    if not request.user.has_perm("monitoring.view_contacts", loan):
        return {"loan_contacts": None, "contact_form": None}
    may_record = loan.status == Loan.Status.RUNNING and request.user.has_perm(
        "monitoring.record_contact", loan
    )
    return {
        "loan_contacts": contact_selectors.contacts_of_loan(loan=loan),
        "contact_form": ContactForm(prefix=_form_prefix(loan)) if may_record else None,
    }


CONTACTS_PANEL = LoanPanel(
    name="contacts",
    template="monitoring/_loan_contacts_panel.html",
    context=contacts_panel_context,
    order=40,
)
