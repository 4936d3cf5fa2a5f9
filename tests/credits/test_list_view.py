"""The application list: what each role sees, the filters, the pages and the empty states."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from credits.models import Application
from tests import factories
from tests.clients import client_for

pytestmark = pytest.mark.django_db

URL = reverse("application_list")
S = Application.Status


def listed(response) -> list[Application]:
    """The applications on the page, in the order shown."""
    assert response.status_code == 200
    return list(response.context["applications"])


def add(quarter, advisor, **kwargs) -> Application:
    with scopes_disabled():
        if kwargs.get("status") == S.WITHDRAWN:
            kwargs.setdefault("outcome", Application.Outcome.GUARANTOR_LENT)
        return factories.ApplicationFactory(quarter=quarter, advisor=advisor, **kwargs)


def names(applications: list[Application]) -> set[str]:
    return {a.borrower.last_name for a in applications}


# --- Who sees what --------------------------------------------------------------------------


def test_advisor_sees_their_quarters_applications_and_never_a_foreign_one(network):
    client = client_for(network.advisor)

    assert listed(client.get(URL)) == [network.own_application]
    # Not by status, not by the foreign quarter's id, not by its reference number.
    foreign = network.foreign_application
    for query in (
        {"status": "all"},
        {"quarter": foreign.quarter_id},
        {"q": foreign.reference},
        {"q": str(foreign.pk)},
        {"q": foreign.borrower.last_name},
    ):
        response = client.get(URL, query)
        assert foreign not in listed(response), query
        # (The search box repeats what was typed; the full name shows only in a row.)
        assert foreign.borrower.full_name not in response.content.decode(), query


def test_advisor_of_one_quarter_gets_no_quarter_filter_or_column(network):
    response = client_for(network.advisor).get(URL)

    assert response.context["several_quarters"] is False
    assert "quarter" not in response.context["filter"].form.fields
    assert 'name="quarter"' not in response.content.decode()


def test_staff_see_every_quarter_and_filter_by_quarter(network):
    client = client_for(network.staff)

    response = client.get(URL)
    assert set(listed(response)) == {network.own_application, network.foreign_application}
    assert response.context["several_quarters"] is True
    assert 'name="quarter"' in response.content.decode()

    only_foreign = listed(client.get(URL, {"quarter": network.foreign_quarter.pk}))
    assert only_foreign == [network.foreign_application]


def test_an_advisor_of_two_quarters_can_filter_by_quarter(network):
    with scopes_disabled():
        network.advisor.advised_quarters.add(network.sibling_quarter)
    sibling = add(network.sibling_quarter, network.advisor)
    client = client_for(network.advisor)

    assert set(listed(client.get(URL))) == {network.own_application, sibling}
    assert listed(client.get(URL, {"quarter": network.sibling_quarter.pk})) == [sibling]


@pytest.mark.parametrize("role", ["municipality_viewer", "committee_member"])
def test_roles_without_access_to_personal_data_get_403(network, role):
    user = network.users_by_role()[role]

    response = client_for(user).get(URL)

    assert response.status_code == 403
    assert network.own_application.borrower.last_name not in response.content.decode()


def test_anonymous_is_sent_to_the_login(network):
    response = Client().get(URL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_navigation_offers_the_list_to_advisors_and_staff_only(network):
    for user, expected in (
        (network.advisor, True),
        (network.staff, True),
        (network.municipality_viewer, False),
    ):
        response = client_for(user).get(reverse("home"))
        urls = [item["url"] for item in response.context["nav_items"]]
        assert (URL in urls) is expected, user.role


# --- Filters --------------------------------------------------------------------------------


def test_without_status_the_list_shows_all_open_applications(network):
    own, advisor = network.own_quarter, network.advisor
    submitted = add(own, advisor, status=S.SUBMITTED)
    before = add(own, advisor, status=S.BEFORE_COMMITTEE)
    approved = add(own, advisor, status=S.APPROVED)
    withdrawn = add(own, advisor, status=S.WITHDRAWN)
    client = client_for(advisor)

    assert set(listed(client.get(URL))) == {network.own_application, submitted, before}
    assert listed(client.get(URL, {"status": "submitted"})) == [submitted]
    assert listed(client.get(URL, {"status": "approved"})) == [approved]
    everything = set(listed(client.get(URL, {"status": "all"})))
    assert everything == {network.own_application, submitted, before, approved, withdrawn}


def test_status_tabs_count_what_the_other_filters_leave(network):
    own, advisor = network.own_quarter, network.advisor
    add(own, advisor, status=S.SUBMITTED, business_name="Kiosk Yıldız")
    add(own, advisor, status=S.SUBMITTED, business_name="Friseursalon Nuray")
    add(own, advisor, status=S.REJECTED, business_name="Kiosk am Markt")

    response = client_for(advisor).get(URL, {"q": "kiosk", "status": "submitted"})

    tabs = {tab.value: tab for tab in response.context["status_tabs"]}
    assert tabs["submitted"].count == 1
    assert tabs["submitted"].active
    assert tabs["rejected"].count == 1
    assert tabs[""].count == 1  # all open: the submitted kiosk
    assert tabs["all"].count == 2
    assert tabs["draft"].count == 0  # the drafts' tab is there even when empty
    assert "withdrawn" not in tabs  # a final state without applications is not


def test_the_list_length_is_what_it_lists_for_every_tab(network):
    """The length (the pages, "n applications") comes from the tabs' counts, not a count of its
    own: for each tab, with and without a search, it is the number of rows listed."""
    own, advisor = network.own_quarter, network.advisor
    add(own, advisor, status=S.SUBMITTED, business_name="Kiosk Yıldız")
    add(own, advisor, status=S.DEFERRED, business_name="Kiosk Nord")
    add(own, advisor, status=S.REJECTED, business_name="Kiosk am Markt")
    add(own, advisor, status=S.APPROVED, business_name="Friseursalon Nuray")
    client = client_for(advisor)
    for query in ({}, {"q": "kiosk"}):
        for status in ("", "all", "submitted", "rejected", "withdrawn", "nonsense"):
            response = client.get(URL, {**query, "status": status})
            page = response.context["page_obj"]
            assert page.paginator.count == len(listed(response)), (query, status)


def test_a_search_finding_few_or_many_lists_and_counts_the_same(network, monkeypatch):
    """What a search finds is read once by id and status when it is few (the tabs counted from
    those, the page by its ids), else counted and paged by its condition: the same page."""
    from credits.views import lists

    own, advisor = network.own_quarter, network.advisor
    now = timezone.now()
    for n in range(30):
        found = add(own, advisor, status=(S.SUBMITTED, S.PREPARED, S.REJECTED)[n % 3])
        found.business_name = f"Kiosk {n}"
        with scopes_disabled():
            found.save(update_fields=["business_name"])
            Application.objects.filter(pk=found.pk).update(
                updated_at=now - datetime.timedelta(hours=n)
            )
    add(own, advisor, status=S.SUBMITTED, business_name="Friseursalon Nuray")
    client = client_for(advisor)

    def seen(**query):
        response = client.get(URL, {"q": "kiosk", **query})
        tabs = {tab.value: tab.count for tab in response.context["status_tabs"]}
        return listed(response), tabs, response.context["page_obj"].paginator.count

    queries = [{}, {"status": "all"}, {"status": "all", "page": "2"}, {"status": "rejected"}]
    few = [seen(**query) for query in queries]
    monkeypatch.setattr(lists, "FEW_FOUND", 5)
    many = [seen(**query) for query in queries]
    assert few == many
    first_page, tabs, count = few[0]
    assert count == 20 and len(first_page) == 20  # the open ones: submitted and prepared
    assert tabs == {
        "": 20,
        "draft": 0,
        "submitted": 10,
        "prepared": 10,
        "before_committee": 0,
        "rejected": 10,
        "all": 30,
    }
    assert [a.business_name for a in first_page[:2]] == ["Kiosk 0", "Kiosk 1"]
    assert len(few[1][0]) == 25
    assert len(few[2][0]) == 5
    assert len(set(few[1][0]) | set(few[2][0])) == 30  # every one, none twice
    assert {a.status for a in few[3][0]} == {S.REJECTED}


def test_an_unknown_status_falls_back_to_the_open_ones(network):
    response = client_for(network.advisor).get(URL, {"status": "nonsense"})

    assert listed(response) == [network.own_application]


def test_search_finds_by_first_name_last_name_and_business(network):
    own, advisor = network.own_quarter, network.advisor
    oeztuerk = add(
        own,
        advisor,
        borrower__first_name="Mehmet",
        borrower__last_name="Öztürk",
        business_name="Kiosk am Wilhelmsplatz",
    )
    kaya = add(
        own,
        advisor,
        borrower__first_name="Fatma",
        borrower__last_name="Kaya",
        business_name="Änderungsschneiderei Kaya",
    )
    client = client_for(advisor)

    assert listed(client.get(URL, {"q": "Mehmet"})) == [oeztuerk]
    assert listed(client.get(URL, {"q": "Öztürk"})) == [oeztuerk]
    assert listed(client.get(URL, {"q": "wilhelmsplatz"})) == [oeztuerk]
    assert listed(client.get(URL, {"q": "fatma kaya"})) == [kaya]
    assert listed(client.get(URL, {"q": "Änderungsschneiderei Kaya"})) == [kaya]
    # Every word must match: the first name of one and the last name of the other do not.
    assert listed(client.get(URL, {"q": "Mehmet Kaya"})) == []


@pytest.mark.parametrize("form", ["MQ-{pk:06d}", "mq-{pk}", "{pk}", "{pk:06d}", " MQ {pk} "])
def test_search_finds_by_reference_number(network, form):
    own, advisor = network.own_quarter, network.advisor
    wanted = add(own, advisor)
    add(own, advisor)

    response = client_for(advisor).get(URL, {"q": form.format(pk=wanted.pk)})

    assert listed(response) == [wanted]


def test_newest_change_comes_first(network):
    own, advisor = network.own_quarter, network.advisor
    older, newer = add(own, advisor), add(own, advisor)
    now = timezone.now()
    with scopes_disabled():
        Application.objects.filter(pk=network.own_application.pk).update(
            updated_at=now - datetime.timedelta(days=30)
        )
        Application.objects.filter(pk=older.pk).update(updated_at=now - datetime.timedelta(days=2))
        Application.objects.filter(pk=newer.pk).update(updated_at=now)

    assert listed(client_for(advisor).get(URL)) == [newer, older, network.own_application]


# --- Pages ----------------------------------------------------------------------------------


def test_pages_of_25_keep_the_filter_in_their_links(network):
    own, advisor = network.own_quarter, network.advisor
    submitted = {
        add(own, advisor, status=S.SUBMITTED, amount=Decimal("3000.00")) for _ in range(30)
    }
    add(own, advisor, status=S.DRAFT)
    client = client_for(advisor)

    first = client.get(URL, {"status": "submitted"})
    page = first.context["page_obj"]
    assert len(listed(first)) == 25
    assert page.paginator.count == 30
    assert 'href="?status=submitted&amp;page=2"' in first.content.decode()

    second = client.get(URL, {"status": "submitted", "page": "2"})
    assert len(listed(second)) == 5
    assert set(listed(first)) | set(listed(second)) == submitted
    assert 'href="?status=submitted&amp;page=1"' in second.content.decode()


def test_the_status_tabs_leave_the_search_and_drop_the_page(network):
    response = client_for(network.advisor).get(URL, {"q": "Kiosk", "page": "1"})
    content = response.content.decode()

    assert 'href="?q=Kiosk&amp;status=submitted"' in content
    assert 'href="?q=Kiosk"' in content  # all open


def test_the_list_takes_a_fixed_number_of_queries(network, django_assert_max_num_queries):
    for _ in range(20):
        add(network.own_quarter, network.advisor, status=S.SUBMITTED)
    client = client_for(network.staff)

    with django_assert_max_num_queries(12):
        assert len(listed(client.get(URL))) == 22


# --- Empty states ---------------------------------------------------------------------------


def _delete_all_applications() -> None:
    with scopes_disabled():
        for application in Application.objects.all():
            application.guarantees.all().delete()
            application.delete()


def test_with_no_applications_at_all_the_advisor_is_offered_a_new_one(network):
    _delete_all_applications()

    response = client_for(network.advisor).get(URL)

    assert response.status_code == 200
    assert response.context["has_any"] is False
    assert reverse("application_create") in response.content.decode()


def test_with_no_applications_staff_get_an_empty_page_without_the_new_button(network):
    _delete_all_applications()

    response = client_for(network.staff).get(URL)

    assert response.status_code == 200
    assert response.context["has_any"] is False
    assert reverse("application_create") not in response.content.decode()


def test_when_nothing_matches_the_filter_can_be_cleared(network):
    response = client_for(network.advisor).get(URL, {"q": "Niemand Unbekannt"})

    assert listed(response) == []
    assert response.context["has_any"] is True
    assert response.context["is_filtered"] is True
    assert f'href="{URL}"' in response.content.decode()


def test_when_nothing_is_open_the_closed_ones_are_one_click_away(network):
    with scopes_disabled():
        Application.objects.filter(pk=network.own_application.pk).update(status=S.APPROVED)

    response = client_for(network.advisor).get(URL)

    assert listed(response) == []
    assert response.context["is_filtered"] is False
    assert 'href="?status=all"' in response.content.decode()


# --- The home pages -------------------------------------------------------------------------


def test_staff_home_counts_the_applications_waiting_for_them(network):
    add(network.own_quarter, network.advisor, status=S.SUBMITTED)
    add(network.foreign_quarter, network.foreign_advisor, status=S.SUBMITTED)
    add(network.own_quarter, network.advisor, status=S.PREPARED)
    add(network.foreign_quarter, network.foreign_advisor, status=S.DEFERRED)

    response = client_for(network.staff).get(reverse("home"))

    counts = response.context["application_counts"]
    assert counts["submitted"] == 2
    assert f'href="{URL}?status=submitted"' in response.content.decode()
    # Prepared and deferred ones wait for a ballot: the link leads to putting them on one.
    assert response.context["awaiting_ballot"] == 2
    assert f'href="{reverse("ballot_create")}"' in response.content.decode()


def test_advisor_home_counts_their_drafts_and_open_applications(network):
    add(network.own_quarter, network.advisor, status=S.SUBMITTED)
    add(network.own_quarter, network.advisor, status=S.REJECTED)
    add(network.foreign_quarter, network.foreign_advisor, status=S.DRAFT)

    response = client_for(network.advisor).get(reverse("home"))

    counts = response.context["application_counts"]
    assert (counts["draft"], counts["open"]) == (1, 2)
    assert f'href="{URL}?status=draft"' in response.content.decode()


def test_municipality_viewer_home_has_no_application_counts(network):
    response = client_for(network.municipality_viewer).get(reverse("home"))

    assert response.context["application_counts"] is None
    assert URL not in response.content.decode()
