"""Documents of an application: the list and upload form on its page, the upload, and the one
way a stored file leaves the server (uploads live under MEDIA_ROOT, which has no URL)."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from credits import services
from credits.models import Application, ApplicationDocument
from miqua.forms import apply_validation_error

from .access import application_for

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What kind of document is it?"),
        choices=ApplicationDocument.Kind.choices,
        initial=ApplicationDocument.Kind.OTHER,
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": gettext_lazy("Please choose a file to upload.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "document-%s")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, JPEG or PNG, at most %(size)s. A photo taken with a phone is fine."
        ) % {"size": filesizeformat(settings.MIQUA_UPLOAD_MAX_BYTES)}


def documents_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    """What the application's page shows of its documents."""
    can_upload = request.user.has_perm("credits.upload_document", application)
    return {
        "documents": list(application.documents.select_related("uploaded_by")),
        "document_form": DocumentForm() if can_upload else None,
    }


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
    from .entry import render_application_detail

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
