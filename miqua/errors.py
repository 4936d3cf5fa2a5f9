"""The pages a person sees when something goes wrong: in their language, in the site's frame,
saying what happened and what to do.

`ErrorPagesMiddleware` turns errors that views raise into such pages where Django would show a
bare or technical one.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from miqua.pdf import DocumentTooLarge


class ErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

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
