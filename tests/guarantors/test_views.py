"""Adding and removing guarantors on the application's page: a known guarantor of the quarter or
a new one, what is refused (with everything typed kept), who may, and the open totals shown."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django_scopes import scopes_disabled

from credits.models import Application
from guarantors.models import Guarantee, Guarantor
from miqua.audit.models import AuditEntry
from tests import factories
from tests.clients import client_for


def detail_url(application: Application) -> str:
    return reverse("application_detail", args=[application.pk])


def guarantee_url(application: Application) -> str:
    return reverse("guarantee_add", args=[application.pk])


def test_add_a_known_guarantor_of_the_quarter(network):
    with scopes_disabled():
        known = factories.GuarantorFactory(quarter=network.own_quarter, first_name="Mehmet")
    response = client_for(network.advisor).post(
        guarantee_url(network.own_application),
        {"guarantor": known.pk, "relation": "Nachbar", "amount": "500"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        guarantee = network.own_application.guarantees.get(guarantor=known)
    assert guarantee.amount == Decimal("500.00")
    assert guarantee.relation == "Nachbar"


def test_add_a_new_guarantor(network):
    response = client_for(network.advisor).post(
        guarantee_url(network.own_application),
        {
            "first_name": "Fatma",
            "last_name": "Demir",
            "date_of_birth": "1970-01-15",
            "phone": "069 777",
            "city": "Offenbach am Main",
            "relation": "Schwester",
            "amount": "1.000,00",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        guarantor = Guarantor.objects.get(last_name="Demir")
        assert guarantor.quarter == network.own_quarter
        assert guarantor.date_of_birth == datetime.date(1970, 1, 15)
        assert network.own_application.guarantees.filter(guarantor=guarantor).exists()


def test_a_guarantor_twice_on_one_application_is_refused_and_the_input_kept(network):
    with scopes_disabled():
        existing = network.own_application.guarantees.first().guarantor
        count = Guarantee.objects.count()
    response = client_for(network.advisor).post(
        guarantee_url(network.own_application),
        {"guarantor": existing.pk, "relation": "Cousin zweiten Grades", "amount": "777"},
    )
    assert response.status_code == 400
    assert "guarantor" in response.context["guarantee_form"].errors
    content = response.content.decode()
    assert "Cousin zweiten Grades" in content
    assert 'value="777"' in content
    with scopes_disabled():
        assert Guarantee.objects.count() == count


def test_a_known_guarantor_typed_again_as_new_is_refused_so_totals_stay_together(network):
    with scopes_disabled():
        known = factories.GuarantorFactory(
            quarter=network.own_quarter, first_name="Mehmet", last_name="Öztürk"
        )
        count = Guarantor.objects.count()
    client = client_for(network.advisor)
    data = {"first_name": "mehmet", "last_name": "ÖZTÜRK", "relation": "Onkel", "amount": "800"}

    response = client.post(guarantee_url(network.own_application), data)

    assert response.status_code == 400
    assert response.context["guarantee_form"].has_error("guarantor", "known")
    assert "Onkel" in response.content.decode()
    with scopes_disabled():
        assert Guarantor.objects.count() == count
    # Another person of the same name: the date of birth tells them apart.
    assert known.date_of_birth is None
    response = client.post(
        guarantee_url(network.own_application), {**data, "date_of_birth": "1960-03-01"}
    )
    assert response.status_code == 302


def test_a_new_guarantor_needs_a_name(network):
    response = client_for(network.advisor).post(
        guarantee_url(network.own_application),
        {"first_name": "", "last_name": "", "relation": "Onkel", "amount": "800"},
    )
    assert response.status_code == 400
    form = response.context["guarantee_form"]
    assert form.has_error("first_name") and form.has_error("last_name")
    assert "Onkel" in response.content.decode()


def test_choosing_a_known_guarantor_and_typing_a_new_one_is_refused(network):
    with scopes_disabled():
        known = factories.GuarantorFactory(quarter=network.own_quarter)
    response = client_for(network.advisor).post(
        guarantee_url(network.own_application),
        {"guarantor": known.pk, "first_name": "Fatma", "relation": "Tante", "amount": "800"},
    )
    assert response.status_code == 400
    assert response.context["guarantee_form"].has_error("__all__", "both")


def test_a_guarantor_of_another_quarter_cannot_be_chosen(network):
    with scopes_disabled():
        foreign = network.foreign_application.guarantees.first().guarantor
    response = client_for(network.advisor).post(
        guarantee_url(network.own_application),
        {"guarantor": foreign.pk, "relation": "Bruder", "amount": "800"},
    )
    assert response.status_code == 400
    assert "guarantor" in response.context["guarantee_form"].errors


def test_remove_a_guarantee(network):
    with scopes_disabled():
        guarantee = network.own_application.guarantees.first()
    url = reverse("guarantee_remove", args=[network.own_application.pk, guarantee.pk])
    client = client_for(network.advisor)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    with scopes_disabled():
        assert not Guarantee.objects.filter(pk=guarantee.pk).exists()
        assert AuditEntry.objects.filter(action="guarantee.removed").exists()


def test_a_guarantee_of_another_application_cannot_be_removed_through_this_one(network):
    with scopes_disabled():
        other = factories.GuaranteeFactory(
            application=factories.ApplicationFactory(
                quarter=network.own_quarter, advisor=network.advisor
            )
        )
    url = reverse("guarantee_remove", args=[network.own_application.pk, other.pk])
    assert client_for(network.advisor).post(url).status_code == 404
    with scopes_disabled():
        assert Guarantee.objects.filter(pk=other.pk).exists()


def test_guarantors_are_managed_only_by_the_advisor_of_a_draft(network):
    with scopes_disabled():
        guarantee = network.own_application.guarantees.first()
    staff = client_for(network.staff)
    data = {"first_name": "A", "last_name": "B", "relation": "Onkel", "amount": "800"}
    assert staff.post(guarantee_url(network.own_application), data).status_code == 403
    remove = reverse("guarantee_remove", args=[network.own_application.pk, guarantee.pk])
    assert staff.post(remove).status_code == 403
    assert (
        client_for(network.advisor)
        .get(detail_url(network.own_application))
        .context["guarantee_form"]
    )
    assert staff.get(detail_url(network.own_application)).context["guarantee_form"] is None


def test_the_overview_shows_a_guarantors_open_guarantees_across_applications(network):
    with scopes_disabled():
        guarantee = network.own_application.guarantees.first()
        factories.GuaranteeFactory(
            application=factories.ApplicationFactory(
                quarter=network.own_quarter, advisor=network.advisor
            ),
            guarantor=guarantee.guarantor,
            amount=Decimal("2000.00"),
        )
    response = client_for(network.advisor).get(detail_url(network.own_application))
    totals = {g.pk: total for g, total in response.context["guarantees"]}
    assert totals[guarantee.pk] == Decimal("3250.00")
    assert "3.250,00" in response.content.decode()
    cover = response.context["cover"]
    assert cover.is_sufficient
    assert cover.total == Decimal("2500.00")
