"""The loan pages: the list (and its CSV file), a loan's page with its schedule, payments and
history, the payout (from an approved application or outside the quarters), its confirmation
by a second person, and a payment typed in.

Every view reaches a loan through the scoped manager (another quarter's loan does not exist
for the user: 404) and then asks the right (403). The services check everything again.
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from miqua.audit.read_cache import KeptPage, cached_for, cached_read
from miqua.audit.selectors import audit_trail_for
from miqua.csv_export import Column, csv_response, labels, rows_of, wants_csv
from miqua.forms import apply_validation_error
from miqua.money import format_eur

from .. import extensions, loan_services
from ..filters import search_key
from ..loan_filters import LoanFilter
from ..loan_forms import LoanConfirmForm, LoanTermsForm, OutsideLoanForm, PaymentForm
from ..loan_page_selectors import (
    LoanRow,
    current_schedule,
    loan_rows,
    loans_for_list,
    schedule_totals,
    terms_preview,
)
from ..loan_selectors import arrears_at, loan_ledger
from ..models import Application, CapacityReservation, Loan, LoanProduct
from ..outside_loans import outside_loan_record
from ..schedule import effective_annual_rate
from ..workflow import APPROVED_STATES
from .access import application_for, object_for

PAGE_SIZE = 25


def loan_for(request: HttpRequest, pk: int, *, perm: str) -> Loan:
    """Scoped first (404), then the right (403)."""
    return object_for(
        request,
        Loan.objects.select_related(
            "borrower", "quarter__municipality", "application", "recorded_by", "confirmed_by"
        ),
        pk,
        perm,
    )


def iban_formatted(iban: str) -> str:
    """In groups of four, as printed on a card: DE89 3704 0044 0532 0130 00."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _detail_url(loan: Loan, anchor: str = "") -> str:
    return reverse("loan_detail", args=[loan.pk]) + anchor


# --- The list -------------------------------------------------------------------------------


def _filtered(request: HttpRequest, today: datetime.date) -> LoanFilter:
    return LoanFilter(request.GET, queryset=loans_for_list(), request=request, today=today)


def _loan_columns() -> list[Column[LoanRow]]:
    """The list's columns (the loan's terms besides: what its page shows the same roles)."""
    status = labels(Loan.Status)
    return [
        Column(_("Contract number"), lambda row: row.loan.contract_number),
        Column(
            _("Application"),
            lambda row: row.loan.application.reference if row.loan.application else "",
        ),
        Column(_("Borrower"), lambda row: row.loan.borrower.full_name),
        Column(
            _("Quarter"),
            lambda row: row.loan.quarter.name if row.loan.quarter else _("outside the quarters"),
        ),
        Column(
            _("Municipality"),
            lambda row: row.loan.quarter.municipality.name if row.loan.quarter else "",
        ),
        Column(_("Status"), lambda row: status(row.loan.status)),
        Column(_("Paid out on"), lambda row: row.loan.disbursed_on),
        Column(_("Amount"), lambda row: row.loan.amount),
        Column(_("Interest rate p.a. (%)"), lambda row: row.loan.interest_rate),
        Column(_("Term (months)"), lambda row: row.loan.term_months),
        Column(_("Principal owed"), lambda row: row.outstanding_principal),
        Column(
            _("Arrears today"), lambda row: row.arrears.amount if row.arrears else Decimal("0.00")
        ),
        Column(
            _("Oldest arrears due on"),
            lambda row: row.arrears.oldest_due_on if row.arrears else None,
        ),
        Column(_("Days past due"), lambda row: row.arrears.days_past_due if row.arrears else None),
    ]


def _list_page(filterset: LoanFilter, page_number: str | None, today: datetime.date) -> KeptPage:
    """A page of the filtered list, its rows with their state today."""
    kept = KeptPage.of(Paginator(filterset.qs, PAGE_SIZE).get_page(page_number))
    return dataclasses.replace(kept, rows=loan_rows(kept.rows, day=today))


@login_required
@require_safe
def loan_list(request: HttpRequest) -> HttpResponse:
    """The loans of the user's quarters (the back office: every loan), filtered; `format=csv`
    gives every row of the filtered list as a file."""
    if not request.user.has_perm("credits.view_loan"):
        raise PermissionDenied
    today = timezone.localdate()
    filterset = _filtered(request, today)
    if wants_csv(request):
        return csv_response(
            rows=rows_of(filterset.qs, lambda loans: loan_rows(loans, day=today)),
            columns=_loan_columns(),
            name=_("Loans"),
        )
    page_number = request.GET.get("page")
    filterset.is_valid()  # the values that are not valid are left out (ignored)
    cleaned = filterset.form.cleaned_data
    # The pages everybody of a scope opens, and a search asked again: kept until the data
    # changes (miqua/audit/read_cache.py), so such a view costs its rendering only.
    kept = cached_read(
        "loan-list",
        lambda: _list_page(filterset, page_number, today),
        day=today,
        parts=(
            *(cleaned.get(name) or "" for name in ("quarter", "status", "arrears")),
            search_key(cleaned.get("q")),
            page_number or "",
        ),
    )
    page = kept.page()
    context = {
        "filter": filterset,
        "page_obj": page,
        "rows": page.object_list,
        "is_filtered": filterset.is_filtered,
        "several_quarters": len(filterset.quarter_choices) > 1,
        "can_record_outside": request.user.has_perm("credits.record_loan_outside"),
        "today": today,
    }
    return render(request, "credits/loan_list.html", context)


# --- A loan's page --------------------------------------------------------------------------


def _loan_figures(loan: Loan, today: datetime.date) -> dict[str, Any]:
    schedule = current_schedule(loan=loan, today=today)
    ledger = loan_ledger(loan=loan, today=today)
    return {
        "balance": ledger.balance,
        "arrears": arrears_at(day=today, loans=[loan.pk]).get(loan.pk),
        "schedule": schedule,
        "schedule_totals": schedule_totals(schedule),
        "payments": ledger.payments,
        "audit_entries": list(audit_trail_for(obj=loan)),
    }


def render_loan_detail(
    request: HttpRequest, loan: Loan, *, status: int = 200, **overrides: object
) -> HttpResponse:
    """The loan's page. A fixed number of queries, however many instalments and payments."""
    today = timezone.localdate()
    user = request.user
    # The schedule, balance, payments and trail are the same for everybody who may see the
    # loan until its data changes: kept (miqua/audit/read_cache.py) per loan and day.
    figures = cached_for(loan, "loan-page", lambda: _loan_figures(loan, today))
    can_record_payment = loan.status == Loan.Status.RUNNING and user.has_perm(
        "credits.record_payment", loan
    )
    context: dict[str, Any] = {
        "loan": loan,
        "borrower": loan.borrower,
        "today": today,
        "effective_rate": effective_annual_rate(loan.interest_rate),
        "iban_formatted": iban_formatted(loan.iban),
        **figures,
        "payment_form": PaymentForm() if can_record_payment else None,
        "can_confirm": loan.status == Loan.Status.PENDING
        and user.has_perm("credits.confirm_loan", loan),
        "can_view_borrower": user.has_perm("credits.view_borrower", loan.borrower),
        "can_view_application": loan.application_id is not None
        and user.has_perm("credits.view_application", loan.application),
    }
    extensions.add_loan_panels(context, request, loan)
    context.update(overrides)
    return render(request, "credits/loan_detail.html", context, status=status)


@login_required
@require_safe
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_loan_detail(request, loan_for(request, pk, perm="credits.view_loan"))


@login_required
@require_POST
def payment_record(request: HttpRequest, pk: int) -> HttpResponse:
    loan = loan_for(request, pk, perm="credits.record_payment")
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = loan_services.payment_record(
                loan=loan,
                amount=form.cleaned_data["amount"],
                value_date=form.cleaned_data["value_date"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _("Payment of %(amount)s with value date %(day)s booked.")
                % {
                    "amount": format_eur(payment.amount),
                    "day": payment.value_date.strftime("%d.%m.%Y"),
                },
            )
            return redirect(_detail_url(loan, "#payments"))
    return render_loan_detail(request, loan, status=400, payment_form=form)


# --- The payout -----------------------------------------------------------------------------


def approved_amount(application: Application) -> Decimal | None:
    """What the committee approved: the reservation that holds its place, else the amount."""
    reservation = CapacityReservation.objects.filter(
        application=application, released_at__isnull=True
    ).first()
    return reservation.amount if reservation else application.amount


def _terms_form_context(form: LoanTermsForm, *, preview_requested: bool) -> dict[str, Any]:
    """The preview of what the typed terms give (instalment, effective rate), when they are
    complete enough to compute it."""
    preview = None
    if form.is_bound and form.is_valid():
        preview = terms_preview(form.terms())
    elif not form.is_bound:
        initial = {**{n: f.initial for n, f in form.fields.items()}, **form.initial}
        try:
            preview = terms_preview(
                loan_services.LoanTerms(
                    contract_number="",
                    iban="",
                    disbursed_on=initial["disbursed_on"],
                    amount=Decimal(initial["amount"]),
                    interest_rate=Decimal(initial["interest_rate"]),
                    term_months=int(initial["term_months"]),
                    grace_months=int(initial["grace_months"] or 0),
                    instalment_day=int(initial["instalment_day"]),
                    method=initial["method"],
                )
            )
        except (KeyError, TypeError, ValueError, ArithmeticError):
            preview = None
    return {"form": form, "preview": preview, "preview_requested": preview_requested}


@login_required
def loan_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The payout of an approved application, prefilled from it; a second person confirms."""
    application = application_for(request, pk, perm="credits.record_loan")
    existing = Loan.objects.filter(application=application).first()
    if existing is not None:
        messages.info(request, _("The payout of this application is already recorded."))
        return redirect(_detail_url(existing))
    if application.status not in APPROVED_STATES:
        messages.error(request, _("Only an approved application can be paid out."))
        return redirect("application_detail", pk=application.pk)
    approved = approved_amount(application)
    product = application.product
    preview_requested = False
    if request.method == "POST":
        form = LoanTermsForm(request.POST)
        preview_requested = "preview" in request.POST
        if form.is_valid() and not preview_requested:
            try:
                loan = loan_services.loan_record(
                    application=application, terms=form.terms(), actor=request.user
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return _recorded(request, loan)
    else:
        form = LoanTermsForm(
            initial={
                "disbursed_on": timezone.localdate(),
                "amount": approved,
                "interest_rate": product.interest_rate,
                "term_months": application.term_months,
                "grace_months": application.grace_months or 0,
                "instalment_day": product.instalment_day,
            }
        )
    context = {
        "application": application,
        "borrower": application.borrower,
        "approved": approved,
        **_terms_form_context(form, preview_requested=preview_requested),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "credits/loan_record.html", context, status=status)


def _recorded(request: HttpRequest, loan: Loan) -> HttpResponse:
    """After a payout is recorded (from an application or outside the quarters): say who must
    act next and show the loan."""
    messages.success(
        request,
        _("Payout %(contract)s recorded. A second member of staff must now confirm it.")
        % {"contract": loan.contract_number},
    )
    return redirect(_detail_url(loan))


@login_required
def loan_record_outside(request: HttpRequest) -> HttpResponse:
    """A loan outside the quarters: the person and the terms in one form."""
    if not request.user.has_perm("credits.record_loan_outside"):
        raise PermissionDenied
    preview_requested = False
    if request.method == "POST":
        form = OutsideLoanForm(request.POST)
        preview_requested = "preview" in request.POST
        if form.is_valid() and not preview_requested:
            try:
                loan = outside_loan_record(
                    borrower_data=form.borrower_data(), terms=form.terms(), actor=request.user
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return _recorded(request, loan)
    else:
        # The network's product (the one without a quarter) gives the usual terms.
        product = LoanProduct.objects.filter(is_active=True, quarter__isnull=True).first()
        form = OutsideLoanForm(
            initial={
                "disbursed_on": timezone.localdate(),
                "interest_rate": product.interest_rate if product else None,
                "grace_months": 0,
                "instalment_day": product.instalment_day if product else 30,
            }
        )
    context = {
        "outside": True,
        **_terms_form_context(form, preview_requested=preview_requested),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "credits/loan_record.html", context, status=status)


@login_required
def loan_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The second pair of eyes: confirm the recorded payout, or refuse it with a reason."""
    loan = loan_for(request, pk, perm="credits.confirm_loan")
    if loan.status != Loan.Status.PENDING:
        messages.info(request, _("This payout is already confirmed."))
        return redirect(_detail_url(loan))
    form = LoanConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == LoanConfirmForm.CONFIRM:
                loan_services.loan_confirm(loan=loan, actor=request.user)
                messages.success(
                    request,
                    _("Payout %(contract)s confirmed: the loan is running.")
                    % {"contract": loan.contract_number},
                )
                return redirect(_detail_url(loan))
            loan_services.loan_record_refuse(
                loan=loan, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _(
                    "The recording of %(contract)s was refused and deleted. It can be "
                    "recorded again."
                )
                % {"contract": loan.contract_number},
            )
            if loan.application_id is not None:
                return redirect("application_detail", pk=loan.application_id)
            return redirect("loan_list")
    today = timezone.localdate()
    schedule = current_schedule(loan=loan, today=today)
    context = {
        "loan": loan,
        "borrower": loan.borrower,
        "form": form,
        "own_recording": loan.recorded_by_id == request.user.pk,
        "effective_rate": effective_annual_rate(loan.interest_rate),
        "iban_formatted": iban_formatted(loan.iban),
        "schedule": schedule,
        "schedule_totals": schedule_totals(schedule),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "credits/loan_confirm.html", context, status=status)
