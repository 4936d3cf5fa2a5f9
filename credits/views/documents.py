"""Documents of an application: the list and upload form on its page, the upload, and the one
way a stored file leaves the server (uploads live under MEDIA_ROOT, which has no URL)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from miqua.forms import apply_validation_error

from .. import services
from ..forms import DocumentForm
from .access import application_for
from .detail import render_application_detail


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for(request, pk, perm="credits.view_application")
    if not request.user.has_perm("credits.upload_document", application):
        raise PermissionDenied
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.document_upload(
                application=application,
                uploaded=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                actor=request.user,
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _("Uploaded: %(name)s (%(kind)s).")
                % {"name": document.original_name, "kind": document.get_kind_display()},
            )
            return redirect(reverse("application_detail", args=[application.pk]) + "#documents")
    return render_application_detail(request, application, status=400, document_form=form)


@login_required
@require_safe
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    application = application_for(request, pk, perm="credits.view_documents")
    document = get_object_or_404(application.documents, pk=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Always a download, never shown inline: a browser must not interpret what was uploaded.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
