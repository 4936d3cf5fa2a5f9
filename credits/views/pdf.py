"""The decision template as a PDF, opened in the browser to read or print."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from credits.pdf import decision_template_filename, render_decision_template

from .access import application_for


@login_required
@require_safe
def decision_template_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for(request, pk, perm="credits.view_decision_template")
    response = HttpResponse(
        render_decision_template(application=application), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=decision_template_filename(application)
    )
    # Personal data: no shared cache may keep it, nor the browser's after the tab is closed.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
