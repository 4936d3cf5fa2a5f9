"""The CSV file of every list: the page's rows (all of them, with the page's filters), nothing of
a foreign quarter, the page's permission, and a number of queries that does not grow with the
rows (miqua/csv_export.py; the file is the page's URL with `format=csv`)."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from . import list_rows
from .clients import client_for
from .conftest import Network

Context = Any


@dataclass(frozen=True)
class ListExport:
    url: str
    build: Callable[..., list[str]]
    role: str  # a role that sees the list (in its quarters only, where the list is scoped)
    refused: tuple[str, ...]  # roles the page refuses: the file too
    page_keys: Callable[[Context], list[str]]  # the rows' keys on the page
    key_column: int  # the column of the file with the same key
    params: Callable[[Network], dict[str, str]] = lambda network: {}
    kwargs: dict[str, object] = field(default_factory=dict)
    scoped: bool = True  # rows of a foreign quarter exist and must be absent
    after: Callable[[], None] | None = None  # what turns the rows into the list's (a check)


def _loan_keys(rows: list) -> list[str]:
    return [row.loan.contract_number for row in rows]


PEOPLE_KEPT_OUT = ("committee_member", "municipality_viewer")
EXPORTS = {
    "loans": ListExport(
        "loan_list",
        list_rows.loans,
        "advisor",
        PEOPLE_KEPT_OUT,
        lambda c: _loan_keys(c["rows"]),
        0,
        params=lambda n: {"status": "running"},
    ),
    "applications": ListExport(
        "application_list",
        list_rows.applications,
        "advisor",
        PEOPLE_KEPT_OUT,
        lambda c: [a.reference for a in c["applications"]],
        0,
        params=lambda n: {"status": "draft"},
    ),
    "disrupted": ListExport(
        "disrupted_loans",
        list_rows.loans,
        "advisor",
        PEOPLE_KEPT_OUT,
        lambda c: _loan_keys([item["row"] for item in c["items"]]),
        0,
        params=lambda n: {"quarter": str(n.own_quarter.pk)},
    ),
    "worklist": ListExport(
        "contact_worklist",
        list_rows.loans,
        "advisor",
        PEOPLE_KEPT_OUT,
        lambda c: _loan_keys([item["due"] for item in c["items"]]),
        1,
    ),
    "check_arrears": ListExport(
        "check_detail",
        list_rows.loans,
        "advisor",
        PEOPLE_KEPT_OUT,
        lambda c: [s.loan.contract_number for s in c["page_obj"]],
        0,
        kwargs={"as_of": list_rows.CHECK_DAY},
        after=list_rows.monthly_check,
    ),
    "ballots": ListExport(
        "ballot_list",
        list_rows.ballots,
        "committee_member",
        ("advisor", "municipality_viewer"),
        lambda c: [b.title for b in c["open_ballots"]] + [b.title for b in c["closed_ballots"]],
        0,
    ),
    "statements": ListExport(
        "statement_list",
        list_rows.statements,
        "staff",
        ("advisor", *PEOPLE_KEPT_OUT),
        lambda c: [s.file_name for s in c["statements"]],
        0,
        scoped=False,
    ),
    "review_queue": ListExport(
        "review_queue",
        list_rows.statements,
        "staff",
        ("advisor", *PEOPLE_KEPT_OUT),
        lambda c: [e.statement.file_name for e in c["entries"]],
        5,
        scoped=False,
    ),
    "quarters": ListExport(
        "home",
        list_rows.quarters,
        "municipality_viewer",
        (),
        lambda c: [o.quarter.name for o in c["overviews"]],
        1,
    ),
    "users": ListExport(
        "user_list",
        list_rows.users,
        "staff",
        ("advisor", *PEOPLE_KEPT_OUT),
        lambda c: [u.email for u in c["users"]],
        1,
        scoped=False,
    ),
}


def _build(spec: ListExport, network: Network, own: int, foreign: int = 0) -> tuple[list, list]:
    with scopes_disabled():
        own_keys = spec.build(network, own)
        foreign_keys = spec.build(network, foreign, network.foreign_quarter) if foreign else []
        if spec.after:
            spec.after()
    return own_keys, foreign_keys


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))


def _user(network: Network, role: str):
    return network.users_by_role()[role]


@pytest.mark.parametrize("name", EXPORTS)
def test_the_file_has_the_rows_of_the_filtered_page_and_no_foreign_one(name, network):
    spec = EXPORTS[name]
    own, foreign = _build(spec, network, 3, 2 if spec.scoped else 0)
    client = client_for(_user(network, spec.role))
    url = reverse(spec.url, kwargs=spec.kwargs)
    params = spec.params(network)
    page = client.get(url, params)
    assert page.status_code == 200
    header, *lines = _rows(client.get(url, {**params, "format": "csv"}))
    assert len(set(map(len, [header, *lines]))) == 1  # every line has every column
    keys = [line[spec.key_column] for line in lines]
    assert keys == spec.page_keys(page.context)
    assert set(own) <= set(keys)
    assert not set(foreign) & set(keys)


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, spec in EXPORTS.items() for role in spec.refused]
)
def test_a_role_the_page_refuses_gets_no_file(name, role, network):
    spec = EXPORTS[name]
    _build(spec, network, 1)
    response = client_for(_user(network, role)).get(
        reverse(spec.url, kwargs=spec.kwargs), {"format": "csv"}
    )
    assert response.status_code in (403, 404)


def _queries(client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        _rows(client.get(url, {**params, "format": "csv"}))
    return len(queries)


@pytest.mark.parametrize("name", EXPORTS)
def test_the_files_queries_do_not_grow_with_its_rows(name, network):
    spec = EXPORTS[name]
    client = client_for(_user(network, spec.role))
    url = reverse(spec.url, kwargs=spec.kwargs)
    params = spec.params(network)
    _build(spec, network, 2)
    few = _queries(client, url, params)
    _build(spec, network, 6)
    assert _queries(client, url, params) == few


def test_the_check_lists_files_are_the_months_of_the_page(network):
    _build(EXPORTS["check_arrears"], network, 2, 1)
    client = client_for(network.advisor)
    url = reverse("check_list")
    page = client.get(url)
    _header, *lines = _rows(client.get(url, {"format": "csv"}))
    assert [line[0] for line in lines] == [
        row.check.as_of.strftime("%d.%m.%Y") for row in page.context["rows"]
    ]
    # The advisor's figures are their own quarters': 2 loans, both disrupted.
    assert lines[0][1:3] == ["2", "2"]
    own = client.get(url, {"quarter": str(network.own_quarter.pk), "format": "csv"})
    assert len(_rows(own)) == 2
    assert (
        client.get(url, {"quarter": str(network.foreign_quarter.pk), "format": "csv"}).status_code
        == 404
    )


def test_a_checks_rates_per_quarter_are_the_scopes_quarters(network):
    _build(EXPORTS["check_arrears"], network, 2, 1)
    url = reverse("check_detail", kwargs={"as_of": list_rows.CHECK_DAY})
    staff_rows = _rows(client_for(network.staff).get(url, {"format": "csv", "table": "quarters"}))
    advisor_rows = _rows(
        client_for(network.advisor).get(url, {"format": "csv", "table": "quarters"})
    )
    assert {row[0] for row in staff_rows[1:]} == {
        str(network.own_quarter),
        str(network.foreign_quarter),
    }
    assert [row[0] for row in advisor_rows[1:]] == [str(network.own_quarter)]
    assert advisor_rows[1][1:] == ["2", "2", "100,00", "10,00", "ja"]


def test_the_list_pages_link_their_file_with_the_filters(network):
    _build(EXPORTS["loans"], network, 1)
    page = client_for(network.advisor).get(reverse("loan_list"), {"status": "running", "page": "1"})
    assert 'href="?status=running&amp;format=csv"' in page.content.decode()


def test_a_statements_entries_file_is_its_pages_entries(network):
    from credits.models import BankStatement

    with scopes_disabled():
        list_rows.statements(network, 1)
        statement = BankStatement.objects.get()
    url = reverse("statement_detail", args=[statement.pk])
    page = client_for(network.staff).get(url)
    _header, *lines = _rows(client_for(network.staff).get(url, {"format": "csv"}))
    assert [line[2] for line in lines] == [
        row["entry"].counterparty_name for row in page.context["rows"]
    ]
    assert lines[0][5] == "150,00"
    assert client_for(network.advisor).get(url, {"format": "csv"}).status_code == 404
