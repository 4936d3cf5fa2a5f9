"""The walk the checks share: every URL of tests/test_isolation.py's matrix, asked the way that
walk asks it (its REQUESTS), by a role that may use it."""

from dataclasses import dataclass
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from tests.conftest import Network
from tests.test_isolation import (
    ACCOUNT_PAGES,
    ANONYMOUS,
    EXPECTED,
    REQUESTS,
    ROLES,
    Request,
    Target,
    _Login,
)

BACK_OFFICE_FIRST = ("staff", "administrator", "advisor", "committee_member", "municipality_viewer")


def acting_role(name: str) -> str | None:
    """A role that may use the URL: the first that is neither refused nor sent to sign in (the
    back office first; for allauth's pages, the anonymous visitor first)."""
    order = (ANONYMOUS, "advisor") if name in ACCOUNT_PAGES else BACK_OFFICE_FIRST
    for role in order:
        answer = EXPECTED[name][ROLES.index(role)]
        if answer not in (403, 404) and not isinstance(answer, _Login):
            return role
    return None


@dataclass(frozen=True)
class PageRequest:
    name: str
    url: str
    role: str
    method: str
    data: dict[str, object]


def page_requests(own: Target) -> list[PageRequest]:
    """Every URL of the matrix with its arguments on `own`'s objects (building the objects the
    walk makes on first use), the acting role, the method and data of the walk."""
    found = []
    for name in EXPECTED:
        role = acting_role(name)
        if role is None:
            continue
        request = REQUESTS.get(name, Request())
        url = reverse(name, kwargs=request.kwargs(own) if request.kwargs else {})
        data = dict(request.data(own)) if request.data else {}
        found.append(PageRequest(name, url, role, request.method, data))
    return found


def client_as(network: Network, role: str, **kwargs: object) -> Client:
    client = Client(**kwargs)
    if role != ANONYMOUS:
        client.force_login(network.users_by_role()[role])
    return client


class QueryFields(HTMLParser):
    """The names of the fields of a page's GET forms."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self._get_form = (values.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._get_form and values.get("name"):
            self.names.add(values["name"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._get_form = False


def query_fields(html: str) -> set[str]:
    parser = QueryFields()
    parser.feed(html)
    return parser.names
