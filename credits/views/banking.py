"""The back office's pages for the repayment account: upload a statement, the statements
imported, one statement's entries, and the review queue of credits no loan was found for.

Statements belong to no quarter: they are the back office's alone. The list pages answer 403
to everyone else; a statement's or an entry's page answers 404, as the object is out of their
sight altogether (as a foreign quarter's object would be)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_scopes import scopes_disabled

from miqua.csv_export import Column, csv_response, labels, rows_of, wants_csv
from miqua.forms import apply_validation_error

from ..banking import importer
from ..banking.forms import EntryAssignForm, EntryNotRepaymentForm, StatementUploadForm
from ..banking.parsers import StatementError
from ..banking.selectors import statements_with_counts
from ..models import BankEntry, BankStatement, Loan

PERMISSION = importer.PERMISSION
ENTRIES_PAGE = 100
STATEMENTS_PAGE = 50
SUGGESTIONS = 10

S = BankEntry.Status


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _staff_object(request: HttpRequest, model: type, pk: int) -> object:
    if not request.user.has_perm(PERMISSION):
        raise Http404
    return get_object_or_404(model, pk=pk)


def _loan_url(loan_id: int | None) -> str:
    """The loan page, once the loan pages are there (their URL is another part's)."""
    if loan_id is None:
        return ""
    for name in ("loan_detail", "credits:loan_detail"):
        try:
            return reverse(name, args=[loan_id])
        except NoReverseMatch:
            continue
    return ""


def _entry_rows(entries: list[BankEntry]) -> list[dict[str, object]]:
    return [{"entry": e, "loan_url": _loan_url(e.loan_id)} for e in entries]


def review_count() -> int:
    return BankEntry.objects.filter(status=S.REVIEW).count()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def statement_upload(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = StatementUploadForm()
    status = 200
    if request.method == "POST":
        form = StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                result = importer.statement_import(
                    content=uploaded.read(), file_name=uploaded.name, actor=request.user
                )
            except StatementError as error:
                form.add_error(
                    "file",
                    _("The file was not imported, nothing of it was booked. %(reason)s")
                    % {"reason": error.message},
                )
            else:
                messages.success(
                    request,
                    _("%(file)s imported: %(counts)s.")
                    % {"file": uploaded.name, "counts": importer.result_message(result)},
                )
                return redirect("statement_detail", pk=result.statement.pk)
        status = 400
    return render(
        request,
        "credits/banking/statement_upload.html",
        {"form": form, "review_count": review_count()},
        status=status,
    )


def _statement_columns() -> list[Column[BankStatement]]:
    """The list's columns, as the page shows them."""
    file_format = labels(BankStatement.Format)
    return [
        Column(_("File"), lambda s: s.file_name),
        Column(_("Format"), lambda s: file_format(s.file_format)),
        Column(_("Statement"), lambda s: s.statement_id),
        Column(_("From"), lambda s: s.period_from),
        Column(_("To"), lambda s: s.period_to),
        Column(_("Entries"), lambda s: s.entry_count),
        Column(_("Booked"), lambda s: s.booked),
        Column(_("Awaiting review"), lambda s: s.waiting),
        Column(_("Debits"), lambda s: s.debits),
        Column(_("Already imported"), lambda s: s.skipped),
        Column(_("Imported"), lambda s: s.imported_at),
        Column(
            _("Imported by"),
            lambda s: (s.imported_by.full_name or s.imported_by.email) if s.imported_by else "",
        ),
    ]


def _entry_columns() -> list[Column[BankEntry]]:
    """A statement's entries, as its page shows them (a debit's amount negative)."""
    status = labels(BankEntry.Status)
    return [
        Column(_("Booked"), lambda e: e.booking_date),
        Column(_("Value date"), lambda e: e.value_date),
        Column(_("Payer / payee"), lambda e: e.counterparty_name),
        Column(_("IBAN"), lambda e: e.counterparty_iban),
        Column(_("Remittance text"), lambda e: e.remittance),
        Column(_("Amount"), lambda e: e.amount if e.is_credit else -e.amount),
        Column(_("Status"), lambda e: status(e.status)),
        Column(_("Loan"), lambda e: e.loan.contract_number if e.loan else ""),
    ]


def _review_columns() -> list[Column[BankEntry]]:
    """The queue's columns, as the page shows them."""
    return [
        Column(_("Booked"), lambda e: e.booking_date),
        Column(_("Payer"), lambda e: e.counterparty_name),
        Column(_("IBAN"), lambda e: e.counterparty_iban),
        Column(_("Remittance text"), lambda e: e.remittance),
        Column(_("Amount"), lambda e: e.amount),
        Column(_("Statement"), lambda e: e.statement.file_name),
    ]


@login_required
@require_safe
def statement_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    statements = statements_with_counts()
    if wants_csv(request):
        return csv_response(
            rows=rows_of(statements), columns=_statement_columns(), name=_("Bank statements")
        )
    page = Paginator(statements, STATEMENTS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "credits/banking/statement_list.html",
        {"page_obj": page, "statements": page.object_list, "review_count": review_count()},
    )


@login_required
@require_safe
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _staff_object(request, BankStatement, pk)
    entries = statement.entries.select_related("loan").order_by("booking_date", "id")  # type: ignore[attr-defined]
    counts = dict(
        statement.entries.values_list("status").annotate(n=Count("id")).values_list("status", "n")  # type: ignore[attr-defined]
    )
    if wants_csv(request):
        return csv_response(
            rows=rows_of(entries),
            columns=_entry_columns(),
            name=statement.file_name.rsplit(".", 1)[0],
        )
    page = Paginator(entries, ENTRIES_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "credits/banking/statement_detail.html",
        {
            "statement": statement,
            "page_obj": page,
            "rows": _entry_rows(list(page.object_list)),
            "counts": [(label, counts.get(value, 0)) for value, label in S.choices],
            "skipped": statement.entry_count - statement.new_count,  # type: ignore[attr-defined]
            "review_count": review_count(),
        },
    )


@login_required
@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    _require(request)
    entries = (
        BankEntry.objects.filter(status=S.REVIEW)
        .select_related("statement")
        .order_by("booking_date", "id")
    )
    if wants_csv(request):
        return csv_response(
            rows=rows_of(entries), columns=_review_columns(), name=_("Awaiting review")
        )
    page = Paginator(entries, ENTRIES_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "credits/banking/review_queue.html",
        {"page_obj": page, "entries": page.object_list, "review_count": page.paginator.count},
    )


def _suggestions(entry: BankEntry) -> list[Loan]:
    """Loans the entry may belong to: the payer's IBAN, or the payer's name as a borrower's."""
    with scopes_disabled():  # staff see every loan, those outside the quarters too
        query = Q()
        if entry.counterparty_iban:
            query |= Q(iban=entry.counterparty_iban)
        words = [w for w in entry.counterparty_name.replace(",", " ").split() if len(w) > 2]
        for word in words[-2:]:
            query |= Q(borrower__last_name__iexact=word)
        if not query:
            return []
        return list(
            Loan.objects.filter(query)
            .select_related("borrower")
            .order_by("status", "-disbursed_on")[:SUGGESTIONS]
        )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry_review(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _staff_object(request, BankEntry, pk)
    assign_form = EntryAssignForm(prefix="assign")
    not_repayment_form = EntryNotRepaymentForm(prefix="other")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assign":
                assign_form = EntryAssignForm(request.POST, prefix="assign")
                if assign_form.is_valid():
                    loan = assign_form.cleaned_data["contract_number"]
                    importer.entry_assign(
                        entry=entry,
                        loan=loan,
                        note=assign_form.cleaned_data["note"],
                        actor=request.user,
                    )
                    messages.success(
                        request,
                        _("Booked to %(contract)s.") % {"contract": loan.contract_number},
                    )
                    return redirect("review_queue")
            elif action == "not_repayment":
                not_repayment_form = EntryNotRepaymentForm(request.POST, prefix="other")
                if not_repayment_form.is_valid():
                    importer.entry_mark_not_repayment(
                        entry=entry,
                        note=not_repayment_form.cleaned_data["note"],
                        actor=request.user,
                    )
                    messages.success(request, _("Marked as not a repayment."))
                    return redirect("review_queue")
        except ValidationError as error:
            form = assign_form if action == "assign" else not_repayment_form
            apply_validation_error(form, error)
        status = 400
    return render(
        request,
        "credits/banking/entry_review.html",
        {
            "entry": entry,
            "loan_url": _loan_url(entry.loan_id),  # type: ignore[attr-defined]
            "assign_form": assign_form,
            "not_repayment_form": not_repayment_form,
            "suggestions": _suggestions(entry) if entry.status != S.BOOKED else [],  # type: ignore[attr-defined]
            "review_count": review_count(),
        },
        status=status,
    )
