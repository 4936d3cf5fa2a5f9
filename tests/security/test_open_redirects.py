"""Open redirects: no parameter sends the browser to another site.

The parameters that choose where a redirect leads (`next` of the sign-in, sign-out, language
switch, admin sign-in and allauth's pages; `back` of the contact quick forms; `goto` of the
application form's steps) are given every external target below and must lead home, or to
their own page, instead; a safe local target is still followed (so the parameter works and
the check can fail). On top, every URL of the walk is asked with all these names set to an
external target, in case a view reads one nobody listed.
"""

from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.clients import client_for
from tests.factories import PASSWORD
from tests.test_isolation import _target

from .walk import client_as, page_requests

pytestmark = pytest.mark.usefixtures("no_pdf_layout")

EXTERNAL = (
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "///evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    "javascript:alert(1)",
    " //evil.example",
    "\t//evil.example",
)
# Django's admin sign-out shows its "signed out" page instead of an unsafe target.
SHOWS_A_PAGE_INSTEAD = {"admin sign-out next"}
REDIRECT_NAMES = ("next", "back", "goto", "redirect", "redirect_to", "return_to", "url")


def _is_local(location: str | None) -> bool:
    """Nowhere, or a path of this site (Django and allauth answer with paths)."""
    if location is None:
        return True
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc == "testserver"
    return location.startswith("/") and not location.startswith(("//", "/\\"))


def _where(response) -> str | None:
    return response.get("Location") if response.status_code in (301, 302, 303, 307, 308) else None


def _signed_in(user) -> Client:
    return client_for(user)


def _asks(network, loan_pk: int, application_pk: int):
    """(what, how to ask with a target, the local page it must still follow) per parameter."""
    advisor, staff = network.advisor, network.staff
    login = reverse("account_login")
    return [
        (
            "sign-in next",
            lambda t: Client().post(
                login, {"login": advisor.email, "password": PASSWORD, "next": t}
            ),
            "/loans/",
        ),
        (
            "sign-in page next, signed in",
            lambda t: _signed_in(advisor).get(login, {"next": t}),
            "/loans/",
        ),
        (
            "sign-out next",
            lambda t: _signed_in(advisor).post(reverse("account_logout"), {"next": t}),
            "/accounts/password/reset/",
        ),
        (
            "language next, signed in",
            lambda t: _signed_in(advisor).post(
                reverse("language_set"), {"language": "en", "next": t}
            ),
            "/loans/",
        ),
        (
            "language next, anonymous",
            lambda t: Client().post(reverse("language_set"), {"language": "en", "next": t}),
            "/accounts/login/",
        ),
        (
            "admin sign-in next",
            lambda t: _signed_in(staff).get(reverse("admin:login"), {"next": t}),
            "/admin/credits/",
        ),
        (
            "admin sign-out next",
            lambda t: _signed_in(staff).post(reverse("admin:logout"), {"next": t}),
            "/accounts/login/",
        ),
        (
            "reauthenticate next",
            lambda t: _signed_in(advisor).post(
                reverse("account_reauthenticate"), {"password": PASSWORD, "next": t}
            ),
            "/loans/",
        ),
        (
            "password change next",
            lambda t: _signed_in(advisor).post(
                reverse("account_change_password"),
                {
                    "oldpassword": PASSWORD,
                    "password1": PASSWORD + "x",
                    "password2": PASSWORD + "x",
                    "next": t,
                },
            ),
            "/loans/",
        ),
        (
            "contact quick form back",
            lambda t: _signed_in(advisor).post(
                reverse("contact_record", args=[loan_pk]),
                {
                    "from": "worklist",
                    "back": t,
                    f"contact-{loan_pk}-contacted_on": "03.02.2025",
                    f"contact-{loan_pk}-channel": "phone",
                    f"contact-{loan_pk}-note": "Rate besprochen",
                },
            ),
            None,  # it keeps a page number only: no target of its own
        ),
        (
            "application form goto",
            lambda t: _signed_in(advisor).post(
                reverse("application_edit", args=[application_pk, "business"]), {"goto": t}
            ),
            None,
        ),
    ]


def test_no_redirect_parameter_leads_to_another_site(network, settings, tmp_path, tally):
    settings.MEDIA_ROOT = tmp_path
    # Eleven password checks a minute for one user are above allauth's limits: a refusal (429)
    # would hide whether the target is followed.
    settings.ACCOUNT_RATE_LIMITS = False
    with scopes_disabled():
        own = _target(network.own_quarter, network.advisor)
    failures, asked = [], 0
    asks = _asks(network, own.loan.pk, own.application.pk)
    for what, ask, local in asks:
        for target in EXTERNAL:
            with transaction.atomic():
                location = _where(ask(target))
                transaction.set_rollback(True)
            asked += 1
            if location is None and what not in SHOWS_A_PAGE_INSTEAD:
                failures.append(f"{what} {target!r}: no redirect at all, nothing was checked")
            elif not _is_local(location):
                failures.append(f"{what} {target!r}: -> {location}")
        if local is not None:
            with transaction.atomic():
                location = _where(ask(local))
                transaction.set_rollback(True)
            if location is None or urlsplit(location).path != local:
                failures.append(f"{what}: the local {local} was not followed ({location})")
    assert not failures, "\n".join(failures)
    tally(
        "open redirects: parameters",
        f"{len(asks)} redirect parameters x {len(EXTERNAL)} external targets = {asked} "
        "requests: 0 left the site; the local target followed where the parameter takes one",
    )


def test_no_url_of_the_walk_follows_a_redirect_parameter_outside(
    network, settings, tmp_path, tally
):
    """Every URL, as a role that may use it, with every usual redirect parameter set to an
    external target (one target per URL, in turn)."""
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        own = _target(network.own_quarter, network.advisor)
    failures, asked, redirects = [], 0, 0
    for index, request in enumerate(page_requests(own)):
        target = EXTERNAL[index % len(EXTERNAL)]
        data = {**request.data, **dict.fromkeys(REDIRECT_NAMES, target)}
        client = client_as(network, request.role)
        with transaction.atomic():
            response = getattr(client, request.method)(request.url, data)
            transaction.set_rollback(True)
        asked += 1
        location = _where(response)
        redirects += location is not None
        if not _is_local(location):
            failures.append(f"{request.name} {request.url} {target!r}: -> {location}")
    assert not failures, "\n".join(failures)
    tally(
        "open redirects: every URL",
        f"{asked} URLs with {len(REDIRECT_NAMES)} redirect parameters set to an external "
        f"target: {redirects} redirected, all within the site",
    )


def test_on_an_https_site_no_next_steps_down_to_plain_http(network, settings, tally):
    """The site's own host over plain HTTP is another site to a man in the middle: a `next`
    on a page served over HTTPS may lead to https only (Django's own redirects check the same,
    `require_https`)."""
    settings.ACCOUNT_RATE_LIMITS = False
    advisor, staff = network.advisor, network.staff
    login, plain, secure = (
        reverse("account_login"),
        "http://testserver/loans/",
        "https://testserver/loans/",
    )
    asks = {
        "sign-in next": lambda t: Client().post(
            login, {"login": advisor.email, "password": PASSWORD, "next": t}, secure=True
        ),
        "sign-in page next, signed in": lambda t: _signed_in(advisor).get(
            login, {"next": t}, secure=True
        ),
        "sign-out next": lambda t: _signed_in(advisor).post(
            reverse("account_logout"), {"next": t}, secure=True
        ),
        "language next": lambda t: _signed_in(advisor).post(
            reverse("language_set"), {"language": "en", "next": t}, secure=True
        ),
        "admin sign-in next": lambda t: _signed_in(staff).get(
            reverse("admin:login"), {"next": t.replace("/loans/", "/admin/")}, secure=True
        ),
    }
    failures = []
    for what, ask in asks.items():
        down, kept = _where(ask(plain)), _where(ask(secure))
        if down is None or urlsplit(down).scheme == "http":
            failures.append(f"{what}: http -> {down}")
        if (
            kept is None
            or urlsplit(kept).scheme == "http"
            or not kept.endswith(("/loans/", "/admin/"))
        ):
            failures.append(f"{what}: the https target was not followed ({kept})")
    assert not failures, "\n".join(failures)
    tally(
        "open redirects: HTTPS",
        f"{len(asks)} next parameters on an HTTPS request: none leads to plain http of the own "
        "host, the https address is followed",
    )
