"""The pages a person sees when something goes wrong: in their language, in the site's frame,
saying what happened and what to do.

`ErrorPagesMiddleware` turns errors into such pages where Django would show a bare or
technical one:
- a request body over the limits (DATA_UPLOAD_MAX_MEMORY_SIZE for the texts of a form,
  DATA_UPLOAD_MAX_NUMBER_FIELDS, MIQUA_UPLOAD_MAX_BYTES for a file) would end in Django's bare
  "Bad Request (400)" page, raised while the CSRF check reads the body: the middleware reads
  it first (it stands before CsrfViewMiddleware) and answers 413 with what was too large,
  how large it may be, and that the browser's Back button brings back what was typed;
- a document too long to render as PDF (`miqua.pdf.DocumentTooLarge`).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from miqua.pdf import DocumentTooLarge

# What a form may add to its file: the texts (DATA_UPLOAD_MAX_MEMORY_SIZE) and the multipart
# framing. A body larger than a file and this together is refused before it is read.
FORM_ALLOWANCE = 64 * 1024


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def max_request_bytes() -> int:
    """The largest request body a form of MIQUA can need: one file at its limit and the texts."""
    return (
        settings.MIQUA_UPLOAD_MAX_BYTES
        + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        + FORM_ALLOWANCE
    )


def request_too_large(request: HttpRequest, *, what: str, **context: Any) -> HttpResponse:
    """The 413 page: `what` is "body", "texts", "fields" or "files"."""
    return render(
        request,
        "request_too_large.html",
        {
            "what": what,
            "upload_limit": settings.MIQUA_UPLOAD_MAX_BYTES,
            "text_limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            "field_limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            "file_count_limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            **context,
        },
        status=413,
    )


class ErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST":
            return None
        size = _content_length(request)
        if size > max_request_bytes():
            # Not read at all: nothing a form of ours sends is this large.
            return request_too_large(request, what="body", size=size)
        try:
            # What the CSRF check would read next; Django keeps it for the view.
            request.POST  # noqa: B018
            request.FILES  # noqa: B018
        except RequestDataTooBig:
            request._mark_post_parse_error()  # type: ignore[attr-defined]
            return request_too_large(request, what="texts", size=size)
        except TooManyFieldsSent:
            request._mark_post_parse_error()  # type: ignore[attr-defined]
            return request_too_large(request, what="fields")
        except TooManyFilesSent:
            request._mark_post_parse_error()  # type: ignore[attr-defined]
            return request_too_large(request, what="files")
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DocumentTooLarge):
            # Data, not a fault of the code: say which limit and what to shorten.
            return render(
                request,
                "document_too_large.html",
                {"limit": exception.limit, "length": exception.length},
                status=422,
            )
        return None
