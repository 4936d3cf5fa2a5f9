"""`services.guarantee_add`: a known guarantor of the quarter or a new one stands for a draft;
the known-guarantor rule, the checks and the audit entries, at the service."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from credits.models import Application
from guarantors import services
from guarantors.models import Guarantee, Guarantor
from miqua.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.usefixtures("unscoped")

BORN = datetime.date(1960, 3, 1)


def add(network, application: Application | None = None, **kwargs: object) -> Guarantee:
    arguments: dict[str, object] = {
        "application": application or network.own_application,
        "relation": "Onkel",
        "amount": Decimal("800.00"),
        "actor": network.advisor,
        **kwargs,
    }
    return services.guarantee_add(**arguments)


def refusal(network, **kwargs: object) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        add(network, **kwargs)
    return refused.value


def test_a_new_guarantor_is_recorded_in_the_applications_quarter_and_audited(network):
    guarantee = add(
        network, guarantor_data={"first_name": "Fatma", "last_name": "Demir", "city": "Offenbach"}
    )

    guarantor = guarantee.guarantor
    assert guarantor.quarter == network.own_quarter
    assert (guarantee.amount, guarantee.relation) == (Decimal("800.00"), "Onkel")
    assert guarantee.quarter == network.own_quarter
    created = AuditEntry.objects.get(action="guarantor.created", object_id=str(guarantor.pk))
    assert created.actor == network.advisor
    added = AuditEntry.objects.get(action="guarantee.added")
    assert added.object_id == str(network.own_application.pk)
    assert added.changes == {"guarantor": "Fatma Demir", "amount": "800.00", "relation": "Onkel"}


def test_a_known_guarantor_chosen_from_the_list_is_not_recorded_again(network):
    known = factories.GuarantorFactory(quarter=network.own_quarter, first_name="Mehmet")
    guarantors = Guarantor.objects.count()

    guarantee = add(network, guarantor=known)

    assert guarantee.guarantor == known
    assert Guarantor.objects.count() == guarantors
    assert not AuditEntry.objects.filter(action="guarantor.created").exists()


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [("Mehmet", "Öztürk"), ("mehmet", "ÖZTÜRK"), (" Mehmet ", "öztürk ")],
)
def test_a_known_guarantor_typed_in_as_new_is_refused_whatever_the_case(
    network, first_name, last_name
):
    known = factories.GuarantorFactory(
        quarter=network.own_quarter, first_name="Mehmet", last_name="Öztürk"
    )
    guarantors, guarantees = Guarantor.objects.count(), Guarantee.objects.count()

    error = refusal(network, guarantor_data={"first_name": first_name, "last_name": last_name})

    assert [e.code for e in error.error_dict["guarantor"]] == ["known"]
    assert known.full_name in error.message_dict["guarantor"][0]
    assert (Guarantor.objects.count(), Guarantee.objects.count()) == (guarantors, guarantees)
    assert not AuditEntry.objects.filter(action__startswith="guarant").exists()


def test_the_same_date_of_birth_makes_the_guarantor_known_too(network):
    factories.GuarantorFactory(
        quarter=network.own_quarter, first_name="Mehmet", last_name="Öztürk", date_of_birth=BORN
    )

    error = refusal(
        network,
        guarantor_data={"first_name": "Mehmet", "last_name": "Öztürk", "date_of_birth": BORN},
    )

    assert [e.code for e in error.error_dict["guarantor"]] == ["known"]


def test_another_date_of_birth_tells_two_people_of_the_same_name_apart(network):
    known = factories.GuarantorFactory(
        quarter=network.own_quarter, first_name="Mehmet", last_name="Öztürk", date_of_birth=BORN
    )
    unknown_birthday = factories.GuarantorFactory(
        quarter=network.own_quarter, first_name="Ali", last_name="Kaya"
    )

    other = add(
        network,
        guarantor_data={
            "first_name": "Mehmet",
            "last_name": "Öztürk",
            "date_of_birth": datetime.date(1985, 7, 9),
        },
    ).guarantor
    # A guarantor recorded without a date of birth: a typed one tells them apart as well.
    another = add(
        network,
        guarantor_data={"first_name": "Ali", "last_name": "Kaya", "date_of_birth": BORN},
    ).guarantor

    assert other != known and another != unknown_birthday
    assert Guarantor.objects.filter(last_name="Öztürk").count() == 2


def test_a_guarantor_of_another_quarter_is_not_known_here(network):
    factories.GuarantorFactory(
        quarter=network.foreign_quarter, first_name="Mehmet", last_name="Öztürk"
    )

    guarantee = add(network, guarantor_data={"first_name": "Mehmet", "last_name": "Öztürk"})

    assert guarantee.guarantor.quarter == network.own_quarter


def test_a_guarantor_of_another_quarter_cannot_be_chosen(network):
    foreign = factories.GuarantorFactory(quarter=network.foreign_quarter)

    with pytest.raises(PermissionDenied):
        add(network, guarantor=foreign)


def test_a_guarantor_stands_for_an_application_only_once(network):
    existing = Guarantee.objects.filter(application=network.own_application).first().guarantor

    error = refusal(network, guarantor=existing)

    assert set(error.message_dict) == {"guarantor"}


def test_amount_relation_and_guarantor_are_all_checked_at_once(network):
    error = refusal(network, amount=Decimal("0.00"), relation="  ")

    assert set(error.message_dict) == {"amount", "relation", "guarantor"}


@pytest.mark.parametrize("role", ["staff", "administrator", "committee_member"])
def test_only_the_advisor_adds_guarantors(network, role):
    with pytest.raises(PermissionDenied):
        add(
            network,
            actor=network.users_by_role()[role],
            guarantor_data={"first_name": "Fatma", "last_name": "Demir"},
        )
    assert not Guarantor.objects.filter(last_name="Demir").exists()


def test_no_guarantor_is_added_once_the_application_is_submitted(network):
    Application.objects.filter(pk=network.own_application.pk).update(
        status=Application.Status.SUBMITTED
    )
    application = Application.objects.get(pk=network.own_application.pk)

    with pytest.raises(PermissionDenied):
        add(network, application, guarantor_data={"first_name": "Fatma", "last_name": "Demir"})
