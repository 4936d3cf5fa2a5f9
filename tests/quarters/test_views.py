from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from miqua.audit.models import AuditEntry
from quarters.models import FundContribution, Organisation
from tests.clients import client_for


def test_quarter_page_shows_partners_contributions_and_figures(network):
    url = reverse("quarter_detail", args=[network.own_quarter.slug])
    content = client_for(network.advisor).get(url).content.decode()
    with scopes_disabled():
        partner = network.own_fund.contributions.get().partner
    assert partner.name in content
    assert "01.02.2009" in content
    assert "50.000,00\u00a0€" in content
    # Advisors follow the fund; recording contributions is the back office's.
    assert 'name="amount"' not in content


def test_staff_record_a_contribution_on_the_quarter_page(network):
    with scopes_disabled():
        partner = Organisation.objects.create(name="IHK Offenbach", kind=Organisation.Kind.CHAMBER)
    url = reverse("contribution_create", args=[network.own_quarter.slug])
    response = client_for(network.staff).post(
        url,
        {
            "partner": partner.pk,
            "paid_on": "2010-03-15",
            "amount": "5.000,50",
            "note": "Zustiftung",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        contribution = FundContribution.objects.get(partner=partner)
        assert contribution.amount == Decimal("5000.50")
        assert AuditEntry.objects.filter(
            action="fund.contribution_recorded", quarter=network.own_quarter
        ).exists()
    page = client_for(network.staff).get(response["Location"]).content.decode()
    assert "15.000,50\u00a0€" in page  # capital now 10.000,00 + 5.000,50
    assert "Einzahlung erfasst" in page or "Erfasst" in page


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "größer als null"),
        ("-100", "größer als null"),
        ("12,345", "zwei Nachkommastellen"),
        ("zwölf", "Betrag in Euro"),
    ],
)
def test_a_bad_contribution_reshows_the_page_with_everything_typed(network, amount, message):
    with scopes_disabled():
        partner = Organisation.objects.create(name="IHK Offenbach", kind=Organisation.Kind.CHAMBER)
    url = reverse("contribution_create", args=[network.own_quarter.slug])
    response = client_for(network.staff).post(
        url,
        {"partner": partner.pk, "paid_on": "2010-03-15", "amount": amount, "note": "Zustiftung"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert f'value="{amount}"' in content
    assert 'value="2010-03-15"' in content
    assert 'value="Zustiftung"' in content
    assert f'<option value="{partner.pk}" selected>' in content
    with scopes_disabled():
        assert not FundContribution.objects.filter(partner=partner).exists()


def test_quarter_page_history_shows_who_recorded_what(network):
    with scopes_disabled():
        partner = Organisation.objects.create(name="GBO", kind=Organisation.Kind.HOUSING)
    client = client_for(network.staff)
    client.post(
        reverse("contribution_create", args=[network.own_quarter.slug]),
        {"partner": partner.pk, "paid_on": "2010-03-15", "amount": "2500"},
    )
    content = client.get(
        reverse("quarter_detail", args=[network.own_quarter.slug])
    ).content.decode()
    assert "Verlauf" in content
    assert network.staff.full_name in content
    assert "2.500,00\u00a0€" in content
    assert "15.03.2010" in content
