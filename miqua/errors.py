"""The pages a person sees when something goes wrong: in their language, in the site's frame,
saying what happened and what to do.

`ErrorPagesMiddleware` turns errors into such pages where Django would show a bare or
technical one:
- a request body over the limits (DATA_UPLOAD_MAX_MEMORY_SIZE for the texts of a form,
  DATA_UPLOAD_MAX_NUMBER_FIELDS, MIQUA_UPLOAD_MAX_BYTES for a file) would end in Django's bare
  "Bad Request (400)" page, raised while the CSRF check reads the body: the middleware reads
  it first (it stands before CsrfViewMiddleware) and answers 413 with what was too large,
  how large it may be, and that the browser's Back button brings back what was typed;
- a document too long to render as PDF (`miqua.pdf.DocumentTooLarge`);
- with DEBUG on (the demo), Django's technical pages: its 404 page lists every URL pattern, in
  English, for any address a user mistypes or may not see (a foreign quarter's page), and its
  500 page shows code and settings. With MIQUA_FRIENDLY_ERRORS (the default) the project's
  own 404 and 500 pages are shown instead, as in production; Django logs every 500 with its
  traceback to the console either way, and MIQUA_FRIENDLY_ERRORS=false brings the technical
  pages back for a developer who wants them in the browser. 403 needs nothing: Django shows
  403.html in DEBUG too.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404
from django.utils.log import log_response
from django.views import defaults

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


def friendly_in_debug() -> bool:
    """DEBUG is on and the project's own error pages are wanted anyway (the demo)."""
    return bool(settings.DEBUG and getattr(settings, "MIQUA_FRIENDLY_ERRORS", True))


class ErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and friendly_in_debug()
        ):
            # No URL pattern matched: Django's technical 404 page, listing them all. (A view's
            # Http404 comes through process_exception; a view's own 404 response is kept.)
            # CommonMiddleware, outside this one, still redirects "/path" to "/path/".
            return defaults.page_not_found(request, Resolver404())
        return response

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
        if not friendly_in_debug() or isinstance(exception, PermissionDenied | SuspiciousOperation):
            # Production answers with 404.html and 500.html itself; 403 is shown as 403.html in
            # DEBUG too; a bad request keeps Django's handling.
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        # What Django does with an uncaught exception, but with the page of production.
        signals.got_request_exception.send(sender=self.__class__, request=request)
        response = defaults.server_error(request)
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
