"""The read cache (miqua/audit/read_cache.py): the home pages' counts, the worklists and the
dashboards are computed once per change of the data, per scope and day; a change made through
a service shows on the next page at once, and one scope's figures never reach another's."""

import datetime
import re
import warnings

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from miqua.audit import read_cache
from monitoring import services as monitoring_services
from monitoring.contact_services import contact_record
from tests import factories
from tests.clients import client_for


@pytest.fixture
def cache_on(settings):
    settings.MIQUA_READ_CACHE_SECONDS = 600
    read_cache.clear()
    yield
    read_cache.clear()


def _loan(network, second_staff):
    with scopes_disabled():
        return factories.paid_out_loan(
            quarter=network.own_quarter, recorder=network.staff, confirmer=second_staff
        )


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def _record_contact(network, loan):
    with scopes_disabled():
        contact_record(
            borrower=loan.borrower,
            loan=loan,
            contacted_on=timezone.localdate(),
            channel="phone",
            note="Telefonat zur Lage des Betriebs",
            actor=network.advisor,
        )


def test_the_home_counts_are_read_once_and_a_recorded_contact_shows_at_once(
    network, second_staff, cache_on
):
    loan = _loan(network, second_staff)
    client = client_for(network.advisor)
    first, computed = _get(client, reverse("home"))
    again, kept = _get(client, reverse("home"))
    assert first.context["due_contact_count"] == again.context["due_contact_count"] == 1
    assert kept < computed  # the counts were not read again

    _record_contact(network, loan)
    after, _ = _get(client, reverse("home"))
    assert after.context["due_contact_count"] == 0


def test_the_worklist_is_kept_per_scope(network, second_staff, cache_on):
    loan = _loan(network, second_staff)
    own = client_for(network.advisor).get(reverse("contact_worklist"))
    foreign = client_for(network.foreign_advisor).get(reverse("contact_worklist"))
    staff = client_for(network.staff).get(reverse("contact_worklist"))
    assert [i["due"].loan.pk for i in own.context["items"]] == [loan.pk]
    assert foreign.context["items"] == []
    assert [i["due"].loan.pk for i in staff.context["items"]] == [loan.pk]
    # The foreign advisor's empty page did not stay for the own advisor, nor the other way.
    assert (
        client_for(network.foreign_advisor).get(reverse("contact_worklist")).context["items"] == []
    )

    _record_contact(network, loan)
    assert client_for(network.advisor).get(reverse("contact_worklist")).context["items"] == []


def test_the_portfolio_dashboard_is_read_once_per_change(network, second_staff, cache_on):
    client = client_for(network.staff)
    url = reverse("portfolio_dashboard")
    empty, computed = _get(client, url)
    assert empty.context["d"].running_count == 0
    _, kept = _get(client, url)
    assert kept < computed

    _loan(network, second_staff)  # paid out and confirmed through the loan services
    after, _ = _get(client, url)
    assert after.context["d"].running_count == 1


def test_a_kept_figure_is_dropped_after_its_time(network, second_staff, settings, monkeypatch):
    # The process's own level (the shared one, with Redis, keeps its keys as long in real time).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MIQUA_READ_CACHE_SECONDS = 600
    read_cache.clear()
    calls = []
    today = datetime.date(2026, 1, 15)

    def compute():
        calls.append(1)
        return len(calls)

    assert read_cache.cached_read("figure", compute, day=today) == 1
    assert read_cache.cached_read("figure", compute, day=today) == 1
    assert read_cache.cached_read("figure", compute, day=today + datetime.timedelta(days=1)) == 2
    clock = read_cache.time.monotonic() + 601
    monkeypatch.setattr(read_cache.time, "monotonic", lambda: clock)
    assert read_cache.cached_read("figure", compute, day=today) == 3
    read_cache.clear()


@pytest.fixture
def shared_cache_on(settings, tmp_path):
    """The shared level as with Redis: a cache the processes share (a file cache here)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    settings.MIQUA_READ_CACHE_SECONDS = 600
    read_cache.clear()
    yield
    read_cache.clear()


def test_another_process_reads_the_kept_pages_from_the_shared_cache(
    network, second_staff, shared_cache_on
):
    """What one web process computed, another reads from the shared cache: the same page, and
    without the queries of the figures (a kept value that held a lazy query would read again)."""
    loan = _loan(network, second_staff)
    with scopes_disabled():
        check = monitoring_services.monthly_check_run(as_of=datetime.date(2025, 6, 15))
    pages = [
        (network.advisor, reverse("application_list")),
        (network.staff, reverse("loan_list")),
        (network.advisor, reverse("loan_detail", args=[loan.pk])),
        (network.advisor, reverse("application_detail", args=[network.own_application.pk])),
        (network.staff, reverse("application_detail", args=[loan.application_id])),
        (network.advisor, reverse("home")),
        (network.advisor, reverse("contact_worklist")),
        (network.advisor, reverse("disrupted_loans")),
        (network.staff, reverse("portfolio_dashboard")),
        (network.staff, reverse("check_detail", kwargs={"as_of": check.as_of})),
        (
            network.municipality_viewer,
            reverse("municipality_dashboard", args=[network.own_quarter.municipality_id]),
        ),
    ]
    for user, url in pages:
        client = client_for(user)
        first, computed = _get(client, url)
        read_cache.clear()  # this process forgets: as if another one answered
        second, shared = _get(client, url)
        assert shared < computed, url
        assert _without_csrf(second) == _without_csrf(first), url


def _without_csrf(response) -> str:
    # The CSRF token is masked afresh in every response.
    return re.sub(
        r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+',
        r"\1",
        response.content.decode(),
    )


def test_the_application_list_is_kept_per_scope_and_a_change_shows_at_once(network, cache_on):
    from credits.services import application_update

    url = reverse("application_list")
    own = client_for(network.advisor)
    first, computed = _get(own, url)
    assert [a.pk for a in first.context["applications"]] == [network.own_application.pk]
    _, kept = _get(own, url)
    assert kept < computed  # the page and its counts were not read again
    # Another scope reads its own list, never the one kept for the advisor's quarters.
    foreign, _ = _get(client_for(network.foreign_advisor), url)
    assert [a.pk for a in foreign.context["applications"]] == [network.foreign_application.pk]
    # A search asked again is kept too, whatever the case and spaces of its words.
    nothing, computed = _get(own, url + "?q=Quokkahaus")
    assert list(nothing.context["applications"]) == []
    again, kept = _get(own, url + "?q=%20quokkahaus%20")
    assert list(again.context["applications"]) == []
    assert kept < computed

    with scopes_disabled():
        application_update(
            application=network.own_application,
            data={"business_name": "Änderungsschneiderei Quokkahaus"},
            actor=network.advisor,
        )
    after, _ = _get(own, url)
    assert after.context["applications"][0].business_name == "Änderungsschneiderei Quokkahaus"
    # ... and finds the new name once it is there.
    found, _ = _get(own, url + "?q=Quokkahaus")
    assert [a.pk for a in found.context["applications"]] == [network.own_application.pk]


def test_the_loan_page_is_kept_and_a_recorded_payment_shows_at_once(
    network, second_staff, cache_on
):
    from credits.loan_services import payment_record

    loan = _loan(network, second_staff)
    client = client_for(network.staff)
    url = reverse("loan_detail", args=[loan.pk])
    first, computed = _get(client, url)
    assert first.context["payments"] == []
    _, kept = _get(client, url)
    assert kept < computed  # schedule, balance, payments, contacts, history: not read again

    with scopes_disabled():
        payment_record(
            loan=loan,
            amount=first.context["schedule"][0].instalment.amount,
            value_date=timezone.localdate(),
            actor=network.staff,
        )
    after, _ = _get(client, url)
    assert len(after.context["payments"]) == 1
    # The kept parts of the page ({% kept %}) are rendered anew too.
    assert "<tbody>" not in _section(first, "payments")
    assert "<tbody>" in _section(after, "payments")
    # ... and the schedule shows what was paid (its total of the payments, at least).
    assert _section(after, "schedule") != _section(first, "schedule")


def _section(response, anchor: str) -> str:
    """The markup of the page's section with that id."""
    return response.content.decode().split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def test_the_data_version_is_read_once_per_request_and_again_after_a_change(network, cache_on):
    """Several kept figures on one page ask for the version once; an audit entry written in the
    same request makes the next figure read it again; outside a request nothing is remembered."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from miqua.audit.services import audit_record

    def version_queries(action) -> int:
        with CaptureQueriesContext(connection) as queries:
            action()
        return sum("audit_auditentry" in q["sql"] and "ORDER BY" in q["sql"] for q in queries)

    # Outside a request (a task, a command): read every time.
    assert version_queries(read_cache.data_version) == 1
    assert version_queries(read_cache.data_version) == 1

    # As the test client does: the signals without closing the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.send(sender=None)
    try:
        before = read_cache.data_version()
        assert version_queries(read_cache.data_version) == 0
        with scopes_disabled():
            audit_record(actor=network.staff, action="test.changed", obj=network.own_quarter)
        assert read_cache.data_version() > before
    finally:
        request_finished.send(sender=None)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert version_queries(read_cache.data_version) == 1


def test_a_search_is_kept_under_a_digest_of_its_words(network, shared_cache_on):
    """A search text (spaces, umlauts, any length) makes no key the cache warns of, and the
    name searched for is not in the list of keys; the search is kept all the same."""
    url = reverse("application_list") + "?q=Müller%20Straße"
    client = client_for(network.staff)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        first, computed = _get(client, url)
        read_cache.clear()
        second, shared = _get(client, url)
    assert shared < computed
    assert _without_csrf(second) == _without_csrf(first)
    keys = list(read_cache._entries)
    assert any(":application-list:" in key for key in keys)
    assert not any("müller" in key.casefold() for key in keys)
    assert read_cache.parts_key(("loans.loan", 42)) == "loans.loan:42"
    assert read_cache.parts_key(("müller straße",)) == read_cache.parts_key(("müller straße",))
