"""The contact log's pages: the worklist of due contacts, the disrupted loans (the intensive-care
list), recording a contact, and the contacts panels of the loan's and the borrower's page."""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from credits.extensions import BorrowerPanel, LoanPanel
from credits.loan_filters import OUTSIDE, LoanFilter
from credits.models import Borrower, Loan
from credits.views.borrowers import borrower_for, render_borrower_detail
from credits.views.loans import loan_for, render_loan_detail
from miqua.audit.read_cache import KeptPage, cached_for, cached_read
from miqua.csv_export import Column, csv_response, rows_of, wants_csv
from miqua.forms import apply_validation_error

from . import contact_selectors, disrupted_selectors
from .contact_forms import ContactForm
from .contact_services import contact_record as record

# Where a quick form came from, so a bad input is shown again on that very page.
FROM_WORKLIST = "worklist"
FROM_LOAN = "loan"
FROM_DISRUPTED = "disrupted"
QUICK_FORM_SOURCES = (FROM_WORKLIST, FROM_LOAN, FROM_DISRUPTED)
DISRUPTED_PAGE_SIZE = 50
WORKLIST_PAGE_SIZE = 50


def _form_prefix(loan: Loan) -> str:
    return f"contact-{loan.pk}"


def _check_may_see_contacts(request: HttpRequest) -> None:
    if not request.user.has_perm("monitoring.view_contacts"):
        raise PermissionDenied


class _AboutALoan(Protocol):
    @property
    def loan(self) -> Loan: ...


RowT = TypeVar("RowT", bound=_AboutALoan)


# Stands for a row's prefix and address in the empty quick form rendered once per page.
_PREFIX = "__prefix__"
_ACTION = "__action__"


def _with_forms(
    request: HttpRequest,
    rows: Sequence[RowT],
    bound: ContactForm | None,
    loan_pk: int,
    *,
    source: str,
    back: str,
) -> list[tuple[RowT, ContactForm | SafeString]]:
    """Each row of a list with its quick contact form: the one posted with an error (`bound`,
    for loan `loan_pk`) keeps what was typed; the others are the same empty form, rendered once
    and given each row's field prefix and address (fifty forms rendered field by field took
    longer than everything else on the page)."""
    empty = render_to_string(
        "monitoring/_contact_quick_form.html",
        {"form": ContactForm(prefix=_PREFIX), "action": _ACTION, "source": source, "back": back},
        request=request,
    )

    def empty_for(loan: Loan) -> SafeString:
        # Both stand-ins are replaced by our own values: a prefix of digits and a reversed URL.
        return mark_safe(  # noqa: S308
            empty.replace(_PREFIX, _form_prefix(loan)).replace(
                _ACTION, reverse("contact_record", args=[loan.pk])
            )
        )

    return [
        (row, bound if bound is not None and row.loan.pk == loan_pk else empty_for(row.loan))
        for row in rows
    ]


def _worklist_params(data: QueryDict | dict[str, str]) -> dict[str, str]:
    """What the worklist keeps of a query: the page (the quick forms carry it back)."""
    page = str(data.get("page", "") or "")
    return {"page": page} if page.isdigit() and len(page) <= 6 else {}


def _worklist_columns() -> list[Column[contact_selectors.DueContact]]:
    """The list's columns, as the page shows them."""
    return [
        Column(_("Borrower"), lambda due: due.loan.borrower.full_name),
        Column(_("Loan"), lambda due: due.loan.contract_number),
        Column(_("Quarter"), lambda due: _quarter_of(due.loan)),
        Column(_("Due"), lambda due: _("Weekly (disrupted)") if due.weekly else _("Monthly")),
        Column(_("Days past due"), lambda due: due.days_past_due if due.weekly else None),
        Column(_("Last contact"), lambda due: due.last_contact_on),
    ]


def render_worklist(
    request: HttpRequest,
    *,
    params: dict[str, str],
    status: int = 200,
    bound: ContactForm | None = None,
    loan_pk: int = 0,
) -> HttpResponse | None:
    """A page of 50 due contacts, each with its quick form; the same number of queries for 5
    loans or 5,000. With `bound`, None when loan `loan_pk` is not on the page (heard from or
    paid up meanwhile), so the caller shows the form elsewhere."""
    today = timezone.localdate()
    page = cached_read(
        "contact-worklist",
        lambda: _worklist_page(today=today, page=params.get("page")),
        day=today,
        parts=(params.get("page", ""),),
    ).page()
    rows = list(page.object_list)
    if bound is not None and all(row.loan.pk != loan_pk for row in rows):
        return None
    back = urlencode({"page": str(page.number)}) if page.number > 1 else ""
    forms = _with_forms(request, rows, bound, loan_pk, source=FROM_WORKLIST, back=back)
    return render(
        request,
        "monitoring/contact_worklist.html",
        {
            "items": [{"due": row, "form": form} for row, form in forms],
            "page_obj": page,
            "from_worklist": FROM_WORKLIST,
            "open_loan_pk": loan_pk,
            "back": back,
        },
        status=status,
    )


def _worklist_page(*, today: datetime.date, page: str | None) -> KeptPage:
    """A page of the due contacts: the same for everybody of the scope until the data changes
    (kept by `cached_read`)."""
    due = contact_selectors.DueContacts(today=today)
    return KeptPage.of(Paginator(due, WORKLIST_PAGE_SIZE).get_page(page))


@login_required
@require_safe
def contact_worklist(request: HttpRequest) -> HttpResponse:
    """The due contacts of the user's quarters (the back office: of every loan), a page at a
    time; `format=csv` gives all of them as a file."""
    _check_may_see_contacts(request)
    if wants_csv(request):
        return csv_response(
            rows=rows_of(contact_selectors.DueContacts(today=timezone.localdate())),
            columns=_worklist_columns(),
            name=_("Due contacts"),
        )
    response = render_worklist(request, params=_worklist_params(request.GET))
    assert response is not None
    return response


def _disrupted_params(data: QueryDict | dict[str, str]) -> dict[str, str]:
    """What the intensive-care list keeps of a query: the quarter filter and the page, nothing
    else (the quick forms carry it back as `back`, so only these two plain values pass)."""
    params = {}
    quarter = str(data.get("quarter", "") or "")
    if quarter == OUTSIDE or (quarter.isdigit() and len(quarter) <= 12):
        params["quarter"] = quarter
    page = str(data.get("page", "") or "")
    if page.isdigit() and len(page) <= 6:
        params["page"] = page
    return params


def _disrupted_entries(
    request: HttpRequest, params: dict[str, str], today: datetime.date
) -> tuple[LoanFilter, QuerySet]:
    """The quarter filter and the disrupted loans it leaves, in the list's order."""
    filterset = LoanFilter(
        {"quarter": params.get("quarter", "")},
        queryset=Loan.objects.all(),
        request=request,
        today=today,
    )
    return filterset, disrupted_selectors.disrupted_order(today=today, loans=filterset.qs)


def _quarter_of(loan: Loan) -> str:
    return loan.quarter.name if loan.quarter else _("outside the quarters")


def _disrupted_columns() -> list[Column[disrupted_selectors.DisruptedLoan]]:
    """The list's columns, as the page shows them."""
    return [
        Column(_("Contract"), lambda row: row.loan.contract_number),
        Column(_("Borrower"), lambda row: row.loan.borrower.full_name),
        Column(_("Quarter"), lambda row: _quarter_of(row.loan)),
        Column(
            _("Municipality"),
            lambda row: row.loan.quarter.municipality.name if row.loan.quarter else "",
        ),
        Column(_("Amount in arrears"), lambda row: row.arrears.amount),
        Column(_("Oldest unpaid due on"), lambda row: row.arrears.oldest_due_on),
        Column(_("Days past due"), lambda row: row.arrears.days_past_due),
        Column(_("Last contact"), lambda row: row.last_contact_on),
        Column(_("Next step"), lambda row: row.next_step),
        Column(_("Next step on"), lambda row: row.next_step_on),
    ]


def render_disrupted(
    request: HttpRequest,
    *,
    params: dict[str, str],
    status: int = 200,
    bound: ContactForm | None = None,
    loan_pk: int = 0,
) -> HttpResponse | None:
    """The running loans in arrears today, longest past due first, a page of 50, each with the
    quick contact form. The same number of queries for 5 loans or 5,000. With `bound`, the
    page shows that form with what was typed; None when loan `loan_pk` is not on the page
    (paid up meanwhile), so the caller shows the form elsewhere."""
    today = timezone.localdate()
    filterset, entries = _disrupted_entries(request, params, today)
    kept, rows = cached_read(
        "disrupted-loans",
        lambda: _disrupted_page(today=today, entries=entries, page=params.get("page")),
        day=today,
        parts=(params.get("quarter", ""), params.get("page", "")),
    )
    page = kept.page()
    if bound is not None and all(row.loan.pk != loan_pk for row in rows):
        return None
    back = urlencode({**_disrupted_params(params), "page": str(page.number)})
    forms = _with_forms(request, rows, bound, loan_pk, source=FROM_DISRUPTED, back=back)
    return render(
        request,
        "monitoring/disrupted_loans.html",
        {
            "items": [{"row": row, "form": form} for row, form in forms],
            "page_obj": page,
            "filter": filterset,
            "several_quarters": len(filterset.quarter_choices) > 1,
            "is_filtered": filterset.is_filtered,
            "from_disrupted": FROM_DISRUPTED,
            "back": back,
        },
        status=status,
    )


def _disrupted_page(
    *, today: datetime.date, entries: QuerySet, page: str | None
) -> tuple[KeptPage, list[disrupted_selectors.DisruptedLoan]]:
    """A page of the intensive-care list with its rows: the same for everybody of the scope
    until the data changes (kept by `cached_read`)."""
    kept = KeptPage.of(Paginator(entries, DISRUPTED_PAGE_SIZE).get_page(page))
    return kept, disrupted_selectors.disrupted_rows(today=today, entries=kept.rows)


@login_required
@require_safe
def disrupted_loans(request: HttpRequest) -> HttpResponse:
    """The intensive-care list: the loans in arrears today of the user's quarters (the back
    office: of every quarter and outside them, with a quarter filter)."""
    _check_may_see_contacts(request)
    params = _disrupted_params(request.GET)
    if wants_csv(request):
        today = timezone.localdate()
        _filterset, entries = _disrupted_entries(request, params, today)
        return csv_response(
            rows=rows_of(
                entries,
                lambda batch: disrupted_selectors.disrupted_rows(today=today, entries=batch),
            ),
            columns=_disrupted_columns(),
            name=_("Disrupted loans"),
        )
    response = render_disrupted(request, params=params)
    assert response is not None
    return response


@login_required
@require_http_methods(["GET", "POST"])
def contact_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a contact with the borrower of loan `pk`. The quick forms of the worklist, the
    disrupted loans and the loan page post here and say where they came from (`from`), so an
    error shows on that page with what was typed."""
    loan = loan_for(request, pk, perm="monitoring.record_contact")
    source = request.POST.get("from", "") if request.method == "POST" else ""
    prefix = _form_prefix(loan) if source in QUICK_FORM_SOURCES else None
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
                back = urlencode(_worklist_params(QueryDict(request.POST.get("back", ""))))
                return redirect(reverse("contact_worklist") + (f"?{back}" if back else ""))
            if source == FROM_DISRUPTED:
                back = urlencode(_disrupted_params(QueryDict(request.POST.get("back", ""))))
                return redirect(
                    reverse("disrupted_loans") + (f"?{back}" if back else "") + f"#loan-{loan.pk}"
                )
            return redirect(reverse("loan_detail", args=[loan.pk]) + "#contacts")
    if request.method == "POST":
        if source == FROM_WORKLIST:
            params = _worklist_params(QueryDict(request.POST.get("back", "")))
            page = render_worklist(request, params=params, status=400, bound=form, loan_pk=loan.pk)
            if page is not None:
                return page
        if source == FROM_LOAN:
            return render_loan_detail(request, loan, status=400, contact_form=form)
        if source == FROM_DISRUPTED:
            params = _disrupted_params(QueryDict(request.POST.get("back", "")))
            page = render_disrupted(request, params=params, status=400, bound=form, loan_pk=loan.pk)
            if page is not None:
                return page
    # A quick form whose row is gone (the loan was paid up meanwhile) comes back here with its
    # prefix and source, so the next try goes where the first came from.
    kept_source = source if prefix is not None and source == FROM_DISRUPTED else ""
    return render(
        request,
        "monitoring/contact_record.html",
        {
            "loan": loan,
            "form": form,
            "source": kept_source,
            "back": urlencode(_disrupted_params(QueryDict(request.POST.get("back", ""))))
            if kept_source
            else "",
        },
        status=400 if request.method == "POST" else 200,
    )


def contacts_panel_context(request: HttpRequest, loan: Loan) -> Mapping[str, Any]:
    if not request.user.has_perm("monitoring.view_contacts", loan):
        return {"loan_contacts": None, "contact_form": None}
    may_record = loan.status == Loan.Status.RUNNING and request.user.has_perm(
        "monitoring.record_contact", loan
    )
    return {
        "loan_contacts": cached_for(
            loan, "contacts", lambda: contact_selectors.contacts_of_loan(loan=loan)
        ),
        "contact_form": ContactForm(prefix=_form_prefix(loan)) if may_record else None,
    }


CONTACTS_PANEL = LoanPanel(
    name="contacts",
    template="monitoring/_loan_contacts_panel.html",
    context=contacts_panel_context,
    order=40,
)


# --- The borrower's page ----------------------------------------------------------------------
#
# A contact recorded there is about the borrower's running loan when they have exactly one, and
# about no loan in particular when they have several (the duty reads contacts by borrower, so it
# counts for every loan). A borrower without a running loan has no contact duty and no form.


def _borrower_url(borrower: Borrower) -> str:
    return reverse("borrower_detail", args=[borrower.pk]) + "#contacts"


@login_required
@require_POST
def borrower_contact_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a contact from the borrower's page; a bad input shows that page again with what
    was typed."""
    borrower = borrower_for(request, pk, perm="monitoring.record_contact")
    running = contact_selectors.running_loans_of_borrower(borrower_id=borrower.pk)
    form = ContactForm(request.POST)
    if not running:
        # The page showed the form while a loan ran; it was repaid or closed meanwhile.
        form.is_valid()
        form.add_error(
            None,
            _("%(name)s has no running loan any more: please record the contact on a loan's page.")
            % {"name": borrower.full_name},
        )
    elif form.is_valid():
        try:
            record(
                borrower=borrower,
                loan=running[0] if len(running) == 1 else None,
                actor=request.user,
                **form.service_kwargs(),
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request, _("The contact with %(name)s is recorded.") % {"name": borrower.full_name}
            )
            return redirect(_borrower_url(borrower))
    return render_borrower_detail(request, borrower, status=400, contact_form=form)


def borrower_contacts_panel_context(request: HttpRequest, borrower: Borrower) -> Mapping[str, Any]:
    if not request.user.has_perm("monitoring.view_contacts", borrower):
        return {"borrower_contacts": None, "contact_form": None}
    may_record = request.user.has_perm(
        "monitoring.record_contact", borrower
    ) and contact_selectors.running_loans_of_borrower(borrower_id=borrower.pk)
    return {
        "borrower_contacts": contact_selectors.contacts_of_borrower(borrower_id=borrower.pk),
        "contact_form": ContactForm() if may_record else None,
    }


BORROWER_CONTACTS_PANEL = BorrowerPanel(
    name="contacts",
    template="monitoring/_borrower_contacts_panel.html",
    context=borrower_contacts_panel_context,
    order=40,
)
