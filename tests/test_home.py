"""The role home pages (miqua/home.py): each role sees its own part of the network."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tests import factories
from tests.clients import client_for


def test_staff_home_lists_every_quarter_with_capacity_used_and_available(network):
    content = client_for(network.staff).get(reverse("home")).content.decode()
    for quarter in (network.own_quarter, network.sibling_quarter, network.foreign_quarter):
        assert quarter.name in content
    # own fund: 10.000 € paid in -> 50.000 € capacity; the same for the foreign fund.
    assert "50.000,00\u00a0€" in content
    assert "Kreditrahmen genutzt" in content


def test_advisor_home_shows_only_their_quarter_and_its_figures(network):
    content = client_for(network.advisor).get(reverse("home")).content.decode()
    assert network.own_quarter.name in content
    assert "10.000,00\u00a0€" in content  # paid-in capital
    assert "50.000,00\u00a0€" in content  # lending capacity
    assert network.sibling_quarter.name not in content
    assert network.foreign_quarter.name not in content
    assert "Duisburg" not in content


def test_municipality_viewer_home_shows_their_municipalitys_quarters_only(network):
    content = client_for(network.municipality_viewer).get(reverse("home")).content.decode()
    assert network.own_quarter.name in content
    assert network.sibling_quarter.name in content
    assert network.foreign_quarter.name not in content
    # Aggregates, never people: no advisor or staff names.
    assert network.advisor.full_name not in content


def test_advisor_without_quarter_sees_a_helpful_empty_state(network):
    with scopes_disabled():
        network.advisor.advised_quarters.clear()
    content = client_for(network.advisor).get(reverse("home")).content.decode()
    assert "noch keinem Quartier zugeordnet" in content


def _late_loan(network, second_staff, quarter, number: str):
    """Paid out 110 days ago, nothing paid: in arrears, its borrower due a weekly contact."""
    with scopes_disabled():
        return factories.paid_out_loan(
            quarter=quarter,
            recorder=network.staff,
            confirmer=second_staff,
            disbursed_on=timezone.localdate() - datetime.timedelta(days=110),
            contract_number=number,
        )


def _advisor_home(network) -> str:
    response = client_for(network.advisor).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_advisor_home_counts_applications_by_status_due_contacts_and_arrears(network, second_staff):
    own = _late_loan(network, second_staff, network.own_quarter, "KV-HOME-1")
    foreign = _late_loan(network, second_staff, network.foreign_quarter, "KV-HOME-2")

    content = _advisor_home(network)

    # Every status with its count, each linking to the list filtered by it: the draft of the
    # fixture and the approved application of the own loan; none of the foreign quarter's.
    applications = content.split('id="applications-by-status"')[1].split("</table>")[0]
    list_url = reverse("application_list")
    assert f'href="{list_url}?status=draft">Entwurf</a></th>\n          <td class="num">1</td>' in (
        applications
    )
    assert applications.count('<tr id="status-') == 10
    assert f'href="{list_url}?status=all">Alle</a></th><td class="num">2</td>' in applications
    # The borrower due a contact (weekly: in arrears), with a link to the contact form, and the
    # loans in arrears with the intensive-care list.
    assert 'id="due-contacts"' in content
    due = content.split('id="first-due-contacts"')[1].split("</ul>")[0]
    assert own.borrower.full_name in due
    assert reverse("contact_record", args=[own.pk]) in due
    assert foreign.borrower.full_name not in content
    arrears = content.split('id="disrupted-loans"')[1].split("</div>")[0]
    assert f'href="{reverse("disrupted_loans")}">1</a>' in arrears
    # The quarter's capacity, used and available, each said in words.
    assert "des Kreditrahmens" in content
    assert "für neue Bewilligungen" in content


def test_advisor_home_queries_do_not_grow_with_the_due_contacts(network, second_staff):
    _late_loan(network, second_staff, network.own_quarter, "KV-Q-0")
    with CaptureQueriesContext(connection) as one:
        _advisor_home(network)
    for n in range(1, 8):
        _late_loan(network, second_staff, network.own_quarter, f"KV-Q-{n}")
    with CaptureQueriesContext(connection) as eight:
        content = _advisor_home(network)

    assert content.count('<li><a href="/monitoring/loans/') == 5  # the first five only
    # Not more (one fewer: five disrupted loans fill the list before the monthly ones are read).
    assert len(eight.captured_queries) <= len(one.captured_queries)
