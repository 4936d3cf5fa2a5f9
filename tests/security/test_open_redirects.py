"""Open redirects: no parameter sends the browser to another site.

The parameters that choose where a redirect leads (`next` of the sign-in, sign-out, language
switch, admin sign-in and allauth's pages; `back` of the contact quick forms; `goto` of the
application form's steps) are given every external target below and must lead home, or to
their own page, instead; a safe local target is still followed (so the parameter works and
the check can fail). On top, every URL of the walk is asked with all these names set to an
external target, in case a view reads one nobody listed.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.factories import PASSWORD
from tests.test_isolation import ANONYMOUS, _target

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


@dataclass(frozen=True)
class Parameter:
    """A parameter that chooses where a redirect leads, and how its form is sent."""

    what: str
    role: str  # who sends it
    method: str
    url: str
    name: str  # the parameter
    data: dict[str, object]  # the form's other fields
    local: str | None  # a page of the site it must still lead to (None: it takes no target)

    def ask(self, network, target: str, *, secure: bool = False):
        client = client_as(network, self.role)
        send = getattr(client, self.method)
        return send(self.url, {**self.data, self.name: target}, secure=secure)


def _parameters(network, loan_pk: int, application_pk: int) -> list[Parameter]:
    sign_in = {"login": network.advisor.email, "password": PASSWORD}
    new_password = {
        "oldpassword": PASSWORD,
        "password1": "x" + PASSWORD,
        "password2": "x" + PASSWORD,
    }
    contact = {
        "from": "worklist",
        f"contact-{loan_pk}-contacted_on": "03.02.2025",
        f"contact-{loan_pk}-channel": "phone",
        f"contact-{loan_pk}-note": "Rate besprochen",
    }
    english = {"language": "en"}
    P = Parameter
    return [
        P("sign-in next", ANONYMOUS, "post", reverse("account_login"), "next", sign_in, "/loans/"),
        P(
            "sign-in page next, signed in",
            "advisor",
            "get",
            reverse("account_login"),
            "next",
            {},
            "/loans/",
        ),
        P(
            "sign-out next",
            "advisor",
            "post",
            reverse("account_logout"),
            "next",
            {},
            "/accounts/password/reset/",
        ),
        P(
            "language next, signed in",
            "advisor",
            "post",
            reverse("language_set"),
            "next",
            english,
            "/loans/",
        ),
        P(
            "language next, anonymous",
            ANONYMOUS,
            "post",
            reverse("language_set"),
            "next",
            english,
            "/accounts/login/",
        ),
        P(
            "admin sign-in next",
            "staff",
            "get",
            reverse("admin:login"),
            "next",
            {},
            "/admin/credits/",
        ),
        P(
            "admin sign-out next",
            "staff",
            "post",
            reverse("admin:logout"),
            "next",
            {},
            "/accounts/login/",
        ),
        P(
            "reauthenticate next",
            "advisor",
            "post",
            reverse("account_reauthenticate"),
            "next",
            {"password": PASSWORD},
            "/loans/",
        ),
        P(
            "password change next",
            "advisor",
            "post",
            reverse("account_change_password"),
            "next",
            new_password,
            "/loans/",
        ),
        # It keeps a page number of the worklist only: no target of its own.
        P(
            "contact quick form back",
            "advisor",
            "post",
            reverse("contact_record", args=[loan_pk]),
            "back",
            contact,
            None,
        ),
        P(
            "application form goto",
            "advisor",
            "post",
            reverse("application_edit", args=[application_pk, "business"]),
            "goto",
            {},
            None,
        ),
    ]


def _rolled_back(ask):
    with transaction.atomic():
        response = ask()
        transaction.set_rollback(True)
    return response


def test_no_redirect_parameter_leads_to_another_site(network, settings, tmp_path, tally):
    settings.MEDIA_ROOT = tmp_path
    # Eleven password checks a minute for one user are above allauth's limits: a refusal (429)
    # would hide whether the target is followed.
    settings.ACCOUNT_RATE_LIMITS = False
    with scopes_disabled():
        own = _target(network.own_quarter, network.advisor)
    failures, asked = [], 0
    parameters = _parameters(network, own.loan.pk, own.application.pk)
    for p in parameters:
        for target in EXTERNAL:
            location = _where(_rolled_back(lambda p=p, target=target: p.ask(network, target)))
            asked += 1
            if location is None and p.what not in SHOWS_A_PAGE_INSTEAD:
                failures.append(f"{p.what} {target!r}: no redirect at all, nothing was checked")
            elif not _is_local(location):
                failures.append(f"{p.what} {target!r}: -> {location}")
        if p.local is not None:
            location = _where(_rolled_back(lambda p=p: p.ask(network, p.local)))
            if location is None or urlsplit(location).path != p.local:
                failures.append(f"{p.what}: the local {p.local} was not followed ({location})")
    assert not failures, "\n".join(failures)
    tally(
        "open redirects: parameters",
        f"{len(parameters)} redirect parameters x {len(EXTERNAL)} external targets = {asked} "
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


# The `next` parameters a page served over HTTPS could step down with.
HTTPS_NEXT = (
    "sign-in next",
    "sign-in page next, signed in",
    "sign-out next",
    "language next, signed in",
    "admin sign-in next",
)


def test_on_an_https_site_no_next_steps_down_to_plain_http(network, settings, tally):
    """The site's own host over plain HTTP is another site to a man in the middle: a `next`
    on a page served over HTTPS may lead to https only (Django's own redirects check the same,
    `require_https`)."""
    settings.ACCOUNT_RATE_LIMITS = False
    parameters = [p for p in _parameters(network, 0, 0) if p.what in HTTPS_NEXT]
    failures = []
    for p in parameters:
        down = _where(p.ask(network, f"http://testserver{p.local}", secure=True))
        kept = _where(p.ask(network, f"https://testserver{p.local}", secure=True))
        if down is None or urlsplit(down).scheme == "http":
            failures.append(f"{p.what}: http -> {down}")
        if kept != f"https://testserver{p.local}":
            failures.append(f"{p.what}: the https target was not followed ({kept})")
    assert not failures, "\n".join(failures)
    assert len(parameters) == len(HTTPS_NEXT)
    tally(
        "open redirects: HTTPS",
        f"{len(parameters)} next parameters on an HTTPS request: none leads to plain http of "
        "the own host, the https address is followed",
    )
