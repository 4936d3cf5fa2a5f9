import time
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django_htmx.http import HttpResponseClientRedirect

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


# --- Staff: idle sessions and the second factor ------------------------------------------------

# The time of a staff session's last request, seconds since the epoch.
LAST_ACTIVITY_KEY = "miqua_last_activity"
# The stamp is written at most this often: every write of the session is a write to the session
# store (the database by default), and staff click several times a minute. So it may be up to a
# minute older than the last request, which the timeout allows for: it never ends a session
# before the idle minutes have passed, and at most a minute after.
ACTIVITY_REFRESH_SECONDS = 60


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _turn_away(request: HttpRequest, *, to: str, reason: str) -> HttpResponse:
    """The answer to a request that may not go on: the API's error format for the API, a reload
    of the whole page for an htmx fragment, else a redirect."""
    if _is_api(request):
        return JsonResponse({"detail": reason}, status=403)
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(to)
    return redirect(to)


def stamp_activity_at_sign_in(
    sender: object, request: HttpRequest, user: object, **kw: object
) -> None:
    """Signing in is activity: stamped with the sign-in's own session write, so that the first
    page after it writes nothing more (connected to `user_logged_in` in apps.py)."""
    if getattr(user, "is_network_staff", False):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after MIQUA_STAFF_IDLE_MINUTES without a request: a back-office
    browser left open in a shared office opens every quarter's borrowers to whoever sits down.
    Other roles see far less and keep the ordinary session length."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        idle_minutes = settings.MIQUA_STAFF_IDLE_MINUTES
        if idle_minutes and user.is_authenticated and user.is_network_staff:  # type: ignore[union-attr]
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > idle_minutes * 60 + ACTIVITY_REFRESH_SECONDS:
                logout(request)
                message = ngettext(
                    "You were signed out after %(minutes)s minute without activity. Please "
                    "sign in again.",
                    "You were signed out after %(minutes)s minutes without activity. Please "
                    "sign in again.",
                    idle_minutes,
                ) % {"minutes": idle_minutes}
                messages.info(request, message)
                # The sign-in page comes back to the page asked for (not to a form's POST).
                back = request.get_full_path() if request.method == "GET" else reverse("home")
                return _turn_away(request, to=redirect_to_login(back).url, reason=message)
            if last is None or now - last >= ACTIVITY_REFRESH_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


# What a user who must set up a second factor may still open: the setup itself (an authenticator
# app or a security key, and the password or key confirmation allauth asks for before either),
# signing out and the language.
SECOND_FACTOR_SETUP_URLS = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "account_reauthenticate",
        "account_logout",
        "language_set",
    }
)


class SecondFactorRequiredMiddleware:
    """Staff and administrators who must use a second factor (User.second_factor_required) and
    have none yet are taken to set one up before any other page. Asked at every request, from
    the database: a factor removed (by its owner or by an administrator) takes effect at once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or not user.second_factor_required:  # type: ignore[union-attr]
            return None
        match = request.resolver_match
        if match is not None and match.url_name in SECOND_FACTOR_SETUP_URLS:
            return None
        # Static files never get here: whitenoise (or runserver) serves them before any view.
        if is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]):
            return None
        setup = reverse("mfa_activate_totp")
        reason = gettext("Please set up your second factor first: %(url)s") % {
            "url": request.build_absolute_uri(setup)
        }
        return _turn_away(request, to=setup, reason=reason)
