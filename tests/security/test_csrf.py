"""CSRF: every URL that takes a POST (PUT, PATCH, DELETE) refuses it without a valid token, for
a signed-in user whose browser holds the CSRF cookie; and no page writes on a GET.

Which URLs take a write is asked, not assumed: each page and admin URL is posted once the way
tests/test_isolation.py posts it, by a role that may use it, with the test client's usual
exemption from the check (405: a read-only URL); the API says what each endpoint accepts in
its `Allow` header. Each of those is then asked again with the check enforced and the cookie
set but no token: Django's CSRF failure page (or DRF's "CSRF Failed") must answer.
"""

import contextlib

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_scopes import scopes_disabled

from miqua.api.urls import router
from tests.test_isolation import _admin_urls, _target

from .walk import client_as, page_requests
from .world import OUR_APPS

pytestmark = pytest.mark.usefixtures("no_pdf_layout")

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# A well-formed token in the cookie: the victim's browser has one; the attacker cannot read it.
COOKIE_TOKEN = "a" * 32


def _client(network, role: str, *, enforce: bool) -> Client:
    client = client_as(network, role, enforce_csrf_checks=enforce)
    client.cookies[settings.CSRF_COOKIE_NAME] = COOKIE_TOKEN
    return client


def _post(client: Client, url: str, data: dict, method: str = "post"):
    """One write, undone afterwards: every request sees the same objects."""
    with transaction.atomic():
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        transaction.set_rollback(True)
    return response


def _is_csrf_refusal(response) -> bool:
    if response.status_code != 403:
        return False
    if response.get("Content-Type", "").startswith("application/json"):
        return "CSRF" in str(response.json().get("detail", ""))
    return "403_csrf.html" in {t.name for t in response.templates}


def _row_counts() -> dict[str, int]:
    with scopes_disabled():
        return {
            model._meta.label: model._base_manager.count()
            for model in apps.get_models()
            if model._meta.app_label in OUR_APPS
        }


def test_every_page_and_admin_url_that_takes_a_post_refuses_it_without_the_token(
    network, settings, tmp_path, tally
):
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        own = _target(network.own_quarter, network.advisor)
    urls = [
        (r.name, r.url, r.role, r.data if r.method == "post" else {}) for r in page_requests(own)
    ]
    admin = [("admin", url, "administrator", {}) for url in _admin_urls(network).values()]
    admin.append(("admin", reverse("admin:logout"), "administrator", {}))
    failures, takes_post, read_only = [], [], []
    for name, url, role, data in urls + admin:
        if _post(_client(network, role, enforce=False), url, data).status_code == 405:
            read_only.append(url)
            continue
        takes_post.append(url)
        response = _post(_client(network, role, enforce=True), url, data)
        if not _is_csrf_refusal(response):
            failures.append(f"{name} {url} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert len(takes_post) > 40
    pages = sum(1 for name, url, *_ in urls if url in takes_post)
    tally(
        "CSRF: pages and admin",
        f"{len(urls)} page URLs and {len(admin)} admin URLs posted: {pages} pages and "
        f"{len(takes_post) - pages} admin URLs take a POST, all {len(takes_post)} refuse it "
        f"without the token (403 CSRF); {len(read_only)} are read-only (405)",
    )


# Pages whose reading is itself recorded: the information about a person (Art. 15 GDPR).
ACCESS_LOGGED = {
    "borrower_access_json",
    "borrower_access_pdf",
    "guarantor_access_json",
    "guarantor_access_pdf",
}


def test_no_page_writes_on_a_get(network, settings, tmp_path, tally):
    """A GET changes nothing: a link or an image on another site cannot act for the user."""
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        own = _target(network.own_quarter, network.advisor)
    requests = page_requests(own)  # builds the walk's objects (a loan's proposal, a check ...)
    asked, logged = 0, 0
    for request in requests:
        before = _row_counts()
        _client(network, request.role, enforce=True).get(request.url)
        asked += 1
        changed = {k: (before[k], v) for k, v in _row_counts().items() if before[k] != v}
        if request.name in ACCESS_LOGGED and changed == {
            "audit.AuditEntry": (before["audit.AuditEntry"], before["audit.AuditEntry"] + 1)
        }:
            logged += 1  # the information under Art. 15 given out: recorded, nothing else
            continue
        assert changed == {}, request.url
    tally(
        "CSRF: GET",
        f"{asked} pages read by a role that may use them: no row written, but the audit "
        f"entry of the {logged} downloads of the GDPR information",
    )


def _api_urls(network) -> list[str]:
    """Every endpoint of the API: each collection and one of its objects, the dashboards."""
    urls = [reverse("api-root"), reverse("api-dashboard-portfolio"), reverse("api-schema")]
    urls.append(reverse("api-dashboard-municipality-detail", args=[1]))
    for _prefix, _viewset, basename in router.registry:
        for suffix, args in (("list", []), ("detail", [1])):
            with contextlib.suppress(NoReverseMatch):  # a collection without a list or detail
                urls.append(reverse(f"{basename}-{suffix}", args=args))
    return urls


def test_every_api_write_by_session_refuses_it_without_the_token(network, tally):
    """The API's session authentication (the browser's cookie) needs the token for every write;
    a token in the Authorization header needs none (no browser sends it by itself)."""
    failures, pairs, endpoints = [], 0, 0
    for url in _api_urls(network):
        client = _client(network, "staff", enforce=True)
        allowed = {m.strip() for m in client.options(url)["Allow"].split(",")}
        endpoints += 1
        for method in sorted(allowed & set(UNSAFE)):
            pairs += 1
            response = _post(client, url, {}, method=method.lower())
            if not _is_csrf_refusal(response):
                failures.append(f"{method} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert pairs >= 5
    classes = settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
    # Basic authentication would be sent by the browser by itself: no token could guard it.
    assert not [c for c in classes if "Basic" in c]
    tally(
        "CSRF: API",
        f"{endpoints} API URLs, {pairs} (URL, write method) pairs they accept: all refuse a "
        "session write without the token (403 CSRF Failed)",
    )
