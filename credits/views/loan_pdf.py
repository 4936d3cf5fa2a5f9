"""The loan's PDFs (Tilgungsplan, Kontoauszug), opened in the browser to read or print."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from credits import loan_pdf

from .loans import loan_for


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=filename
    )
    # Personal data: no shared cache may keep it, nor the browser's after the tab is closed.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def loan_schedule_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    loan = loan_for(request, pk, perm="credits.view_loan")
    return _pdf_response(loan_pdf.render_schedule(loan=loan), loan_pdf.schedule_filename(loan))


@login_required
@require_safe
def loan_statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    loan = loan_for(request, pk, perm="credits.view_loan")
    today = timezone.localdate()
    return _pdf_response(
        loan_pdf.render_statement(loan=loan, today=today),
        loan_pdf.statement_filename(loan, today),
    )
