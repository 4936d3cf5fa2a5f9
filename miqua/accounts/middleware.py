from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .scoping import user_scope


class QuarterScopeMiddleware:
    """Every request runs inside the scope of the quarters its user may see: the one place where
    the tenant boundary is entered. A foreign quarter's object is then simply not found (404)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with user_scope(request.user):  # type: ignore[arg-type]
            return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's preference."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "language", None):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
