"""The role home pages (miqua/home.py): each role sees its own part of the network."""

from django.urls import reverse
from django_scopes import scopes_disabled

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
