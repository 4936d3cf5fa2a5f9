"""A foreign quarter's ids on every URL and endpoint.

tests/test_isolation.py walks every page and admin URL against every role with a foreign
quarter's objects in the path, tests/api/ every endpoint; here:
- every URL pattern of the project (named or not, with its format-suffix variants) must be in
  one of those walks, or is walked here;
- a foreign quarter's ids where the path does not carry them: in the query of every page
  (the GET forms' fields, the search) and in every id filter of the API, and the API's
  format-suffix URLs (`/api/v1/loans/7.json`).
The counts of the requests with foreign objects that the walks make are computed from their
tables and recorded.
"""

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import django_filters
import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from miqua.api.urls import router
from tests import factories
from tests.api import test_access as api_walk
from tests.api.conftest import World as ApiWorld
from tests.api.conftest import world  # noqa: F401 (the API's fixture, used below)
from tests.clients import client_for
from tests.test_isolation import (
    ADMIN_BACK_OFFICE,
    EXPECTED,
    LOAN_URLS,
    NETWORK_OBJECTS,
    PAGES,
    REQUESTS,
    ROLES,
    Request,
    _other_quarters,
    _target,
)

from .walk import query_fields

# Admin URLs the admin walk leaves out, and how they are covered.
ADMIN_ELSEWHERE = {
    "logout": "a POST action: tests/security/test_csrf.py",
    "view_on_site": "walked here (no model has a page address of its own: 404)",
}
# The API's URLs besides the router's collections, and the test that walks each.
API_ELSEWHERE = {
    "api-root": "tests.api.test_access:test_the_api_root_lists_the_endpoints_for_signed_in_users",
    "api-dashboard-portfolio": "tests.api.test_dashboard:test_only_the_back_office_reads_it",
    "api-dashboard-municipality-detail": "tests.api.test_municipality_dashboard:"
    "test_each_role_gets_its_answer_and_a_foreign_municipality_is_not_found",
    "api-schema": "tests.api.test_schema:test_the_schema_and_docs_are_for_signed_in_users_only",
    "api-docs": "tests.api.test_schema:test_the_schema_and_docs_are_for_signed_in_users_only",
}
# Collections of no quarter (the back office's, or the network's monthly checks): closed to
# every other role, as test_access.EXPECTED holds; there is no foreign quarter to find.
API_NETWORK = {"statement", "bank-entry", "check"}


def _patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """Every pattern: (its qualified name or "", its full route, the pattern)."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _patterns(pattern, route, inner)
        else:
            name = pattern.name or ""
            yield (f"{namespace}:{name}" if namespace and name else name), route, pattern


def _is_walked(name: str, route: str, pattern: URLPattern) -> str | None:
    """Where the pattern is walked with foreign objects; None: nowhere."""
    if route.startswith("admin/"):
        short = name.removeprefix("admin:")
        if short in ADMIN_BACK_OFFICE:
            return "tests/test_isolation.py's admin walk"
        if short in ADMIN_ELSEWHERE:
            return ADMIN_ELSEWHERE[short]
        if not name:
            return "the admin's catch-all and old change URLs: walked here"
        return None
    if route.startswith("api/"):
        if "format" in pattern.pattern.regex.groupindex:
            return "the format-suffix variant: walked here with foreign ids"
        match = re.fullmatch(r"api-(.+)-(list|detail)", name)
        if name in API_ELSEWHERE:
            module, test = API_ELSEWHERE[name].split(":")
            return (
                API_ELSEWHERE[name] if hasattr(__import__(module, fromlist=[test]), test) else None
            )
        walked = api_walk.READER.keys() | API_NETWORK
        if match and match[1] in api_walk.EXPECTED and match[1] in walked:
            return "tests/api/test_access.py"
        return None
    if name in EXPECTED:
        if pattern.pattern.regex.groupindex and REQUESTS.get(name, Request()).kwargs is None:
            return None  # an object in the path that the walk does not point anywhere
        return "tests/test_isolation.py's page walk"
    return None


def test_every_url_pattern_is_walked_with_foreign_objects(tally):
    patterns = list(_patterns(get_resolver()))
    unwalked = [
        f"{route} ({name or 'unnamed'})"
        for name, route, pattern in patterns
        if _is_walked(name, route, pattern) is None
    ]
    assert unwalked == [], "walk these URLs with a foreign quarter's objects"

    # What the walks ask with foreign objects, counted from their tables.
    with_objects = [n for n in PAGES if REQUESTS.get(n, Request()).kwargs is not None]
    targets = {role: len(_other_quarters(role, {"foreign": 1, "sibling": 2})) for role in ROLES}
    page_requests = len(with_objects) * sum(targets.values())
    outside_loan = (len(LOAN_URLS) + 1) * len(ROLES)
    admin_requests = len(ADMIN_BACK_OFFICE) * len(ROLES)
    api_requests = 2 * len(api_walk.READER) + 2 * len(api_walk.VIEWER_READS)
    kinds = {
        "pages": sum(1 for n, r, _ in patterns if not r.startswith(("admin/", "api/"))),
        "admin": sum(1 for n, r, _ in patterns if r.startswith("admin/")),
        "API": sum(1 for n, r, _ in patterns if r.startswith("api/")),
    }
    tally(
        "foreign ids: URL patterns",
        f"{len(patterns)} patterns ({', '.join(f'{v} {k}' for k, v in kinds.items())}), "
        f"0 without a walk; the page walk: {len(with_objects)} URLs with objects x 6 roles x "
        f"1-2 foreign quarters = {page_requests} requests (+{outside_loan} on a loan outside "
        f"the quarters; {len(NETWORK_OBJECTS)} URLs of network objects); the admin walk: "
        f"{len(ADMIN_BACK_OFFICE)} URLs x 6 roles = {admin_requests} requests on foreign "
        f"objects; tests/api/test_access.py: {api_requests} requests (detail 404 and list "
        f"without the row, {len(api_walk.READER)} endpoints)",
    )


# --- Foreign ids in the query of every page ---------------------------------------------------

OUTSIDERS = ("advisor", "committee_member", "municipality_viewer")


def _foreign_ids(foreign) -> dict[str, object]:
    """What a query parameter of that name would point at, in the foreign quarter."""
    with scopes_disabled():
        return {
            "quarter": foreign.quarter.pk,
            "municipality": foreign.quarter.municipality_id,
            "fund": foreign.quarter.fund.pk,
            "committee": foreign.ballot.committee_id,
            "ballot": foreign.ballot.pk,
            "application": foreign.application.pk,
            "applications": foreign.submitted.pk,
            "loan": foreign.loan.pk,
            "borrower": foreign.loan.borrower_id,
            # The search: a foreign borrower's name.
            "q": foreign.loan.borrower.last_name,
        }


def _leaks(body: str, foreign) -> list[str]:
    """The foreign quarter's name and people on a page. First names: the last name searched
    for stands in the search field of the page."""
    with scopes_disabled():
        names = [
            foreign.quarter.name,
            foreign.application.borrower.first_name,
            foreign.submitted.borrower.first_name,
            foreign.loan.borrower.first_name,
            foreign.loan.contract_number,
        ]
    return [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", body)]


@pytest.mark.usefixtures("no_pdf_layout")
def test_foreign_ids_in_the_query_of_every_page_show_nothing_of_them(
    network, settings, tmp_path, tally
):
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        own = _target(network.own_quarter, network.advisor)
        foreign = _target(network.foreign_quarter, network.foreign_advisor)
    ids = _foreign_ids(foreign)
    failures, requests, parameters = [], 0, 0
    for role in OUTSIDERS:
        client = client_for(network.users_by_role()[role])
        for name, row in PAGES.items():
            request = REQUESTS.get(name, Request())
            if row[ROLES.index(role)] != 200 or request.method != "get":
                continue
            url = reverse(name, kwargs=request.kwargs(own) if request.kwargs else {})
            page = client.get(url)
            if page["Content-Type"] != "text/html; charset=utf-8":
                continue  # a PDF or a download: its query is covered by the walk's
            names = query_fields(page.content.decode()) | {"q", "quarter"}
            query = {k: v for k, v in ids.items() if k in names}
            response = client.get(url + "?" + urlencode(query))
            requests += 1
            parameters += len(query)
            if response.status_code >= 500:
                failures.append(f"{role} {url}: {response.status_code}")
            leaks = _leaks(response.content.decode(), foreign)
            failures += [f"{role} {url}?{urlencode(query)} shows {leak}" for leak in leaks]
    assert not failures, "\n".join(failures)
    assert requests > 20
    tally(
        "foreign ids: page queries",
        f"{requests} page requests by {len(OUTSIDERS)} roles with {parameters} query parameters "
        "pointing at a foreign quarter (its quarter, committee, loan, borrower ... and a search "
        "for its borrower); 0 showed the foreign quarter's name or people",
    )


# --- The API: id filters and format suffixes ---------------------------------------------------

# An id filter's name -> the world's kind of object it points at.
FILTER_KINDS = {
    "quarter": "quarter",
    "fund": "fund",
    "application": "application",
    "guarantor": "guarantor",
    "committee": "committee",
    "ballot": "ballot",
    "loan": "loan",
    "statement": "statement",
}


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _id_filters(viewset) -> list[str]:
    filterset = getattr(viewset, "filterset_class", None)
    if filterset is None:
        return []
    return [
        name
        for name, f in filterset.base_filters.items()
        if isinstance(f, django_filters.NumberFilter | django_filters.ModelChoiceFilter)
    ]


def test_foreign_ids_in_the_apis_filters_and_format_suffixes_find_nothing(
    world: ApiWorld,  # noqa: F811
    tally,
):
    failures, requests = [], 0
    extra = {"case": world.foreign["vote"], "borrower": world.foreign_loan.borrower_id}
    for prefix, viewset, basename in router.registry:
        endpoint = basename.removeprefix("api-")
        reader = api_walk.READER.get(endpoint)
        if reader is None:
            continue
        client = Client() if reader is None else client_for(world.network.users_by_role()[reader])
        every = {"status": "all"} if endpoint == "application" else {}
        own_ids = _ids(client.get(reverse(f"{basename}-list"), every))
        foreign = world.foreign[endpoint]
        # The format-suffix variants of the detail and the list.
        detail = client.get(f"/api/v1/{prefix}/{foreign}.json")
        listed = client.get(f"/api/v1/{prefix}.json", every)
        requests += 2
        if detail.status_code != 404:
            failures.append(f"{prefix}/{foreign}.json: {detail.status_code}")
        if foreign in _ids(listed):
            failures.append(f"{prefix}.json lists {foreign}")
        for name in _id_filters(viewset):
            if name in FILTER_KINDS:
                value = world.foreign[FILTER_KINDS[name]]
            elif name in extra:
                value = extra[name]
            else:
                failures.append(f"{prefix}: add the id filter {name!r} to FILTER_KINDS")
                continue
            response = client.get(reverse(f"{basename}-list"), {**every, name: value})
            requests += 1
            if response.status_code == 400:
                continue  # not a choice for this user
            found = _ids(response) - own_ids
            if found:
                failures.append(f"{prefix}?{name}={value} finds {found}")
    assert not failures, "\n".join(failures)
    tally(
        "foreign ids: API filters",
        f"{requests} requests: every id filter of {len(api_walk.READER)} endpoints and their "
        "format-suffix URLs (.json) given a foreign quarter's id; 0 found anything",
    )


ADMIN_OUTSIDERS = ("advisor", "committee_member", "municipality_viewer")


@pytest.mark.parametrize("role", [*ADMIN_OUTSIDERS, "staff"])
def test_the_admins_catch_all_old_change_and_view_on_site_urls_lead_nowhere(network, role):
    """The admin's URLs the admin walk leaves out: outsiders go to the admin's login; the back
    office finds no page at an unknown address, the old change address only sends on to the
    change page, and "view on site" leads nowhere (no model has a page address of its own)."""
    from django.contrib.contenttypes.models import ContentType

    from credits.models import Application

    pk = network.foreign_application.pk
    content_type = ContentType.objects.get_for_model(Application).pk
    client = client_for(network.users_by_role()[role])
    unknown = client.get("/admin/no-such-app/nothing/here/")
    old = client.get(f"/admin/credits/application/{pk}/")
    on_site = client.get(reverse("admin:view_on_site", args=[content_type, pk]))
    if role in ADMIN_OUTSIDERS:
        for response in (unknown, old, on_site):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert unknown.status_code == 404
        assert old.status_code == 302
        assert old["Location"].endswith(reverse("admin:credits_application_change", args=[pk]))
        assert on_site.status_code == 404


# --- Foreign ids in what a form or the API sends ---------------------------------------------


def _rolled_back(send: Callable[[str], HttpResponse], side: str) -> int:
    with transaction.atomic():
        status = send(side).status_code
        transaction.set_rollback(True)
    return status


def test_foreign_ids_in_a_forms_or_the_apis_body_are_refused(world, tally):  # noqa: F811
    """Where the id is in the body, not the path: a known guarantor, the quarter of a new
    application, a contact's loan; each sent once with the own quarter's id (taken: the request
    is right) and once with the foreign one. And the fields of a draft that are not the
    advisor's to set."""
    from credits.models import Application

    network = world.network
    advisor = client_for(network.advisor)
    with scopes_disabled():
        network.advisor.advised_quarters.add(network.sibling_quarter)
        draft = factories.ApplicationFactory(quarter=network.own_quarter, advisor=network.advisor)
        guarantor = {
            "own": factories.GuaranteeFactory(application=network.own_application).guarantor_id,
            "foreign": network.foreign_application.guarantees.first().guarantor_id,
        }
    quarter = {"own": network.sibling_quarter.pk, "foreign": network.foreign_quarter.pk}
    loan = {"own": world.own_loan.pk, "foreign": world.foreign_loan.pk}
    sends = {
        "guarantee_add: a guarantor": lambda side: advisor.post(
            reverse("guarantee_add", args=[draft.pk]),
            {"guarantor": guarantor[side], "relation": "Freund", "amount": "1.000"},
        ),
        "application_create: the quarter": lambda side: advisor.post(
            reverse("application_create"),
            {
                "quarter": quarter[side],
                "first_name": "Selin",
                "last_name": "Arslan",
                "date_of_birth": "02.04.1988",
                "phone": "069 123456",
            },
        ),
        "API contacts: the loan of the own borrower": lambda side: advisor.post(
            reverse("api-contact-list"),
            {
                "borrower": world.own_loan.borrower_id,
                "loan": loan[side],
                "contacted_on": "2025-03-03",
                "channel": "visit",
                "note": "Besuch",
            },
            content_type="application/json",
        ),
    }
    answers = {
        what: (_rolled_back(send, "own"), _rolled_back(send, "foreign"))
        for what, send in sends.items()
    }
    wrong = {
        what: a for what, a in answers.items() if a[0] not in (201, 302) or a[1] not in (400, 404)
    }
    assert wrong == {}, "(own, foreign): the own id must be taken, the foreign one refused"

    patched = advisor.patch(
        reverse("api-application-detail", args=[draft.pk]),
        {
            "quarter": network.foreign_quarter.pk,
            "advisor": network.foreign_advisor.pk,
            "status": "approved",
            "purpose": "Ladeneinrichtung",
        },
        content_type="application/json",
    )
    with scopes_disabled():
        draft.refresh_from_db()
    # The draft's own text is changed; where it lies, who keeps it and its status are not.
    assert patched.status_code == 200
    assert (draft.purpose, draft.quarter_id, draft.advisor_id, draft.status) == (
        "Ladeneinrichtung",
        network.own_quarter.pk,
        network.advisor.pk,
        Application.Status.DRAFT,
    )
    tally(
        "foreign ids: request bodies",
        f"{len(sends)} forms/endpoints with an id in the body: the own quarter's taken, the "
        "foreign one refused (400/404); an API PATCH of a draft with quarter, advisor and "
        "status: those ignored",
    )
