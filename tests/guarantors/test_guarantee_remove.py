"""`services.guarantee_remove`: the advisor takes a guarantor off a draft, and it is audited."""

import pytest
from django.core.exceptions import PermissionDenied

from credits.models import Application
from guarantors import services
from guarantors.models import Guarantee, Guarantor
from miqua.audit.models import AuditEntry

pytestmark = pytest.mark.usefixtures("unscoped")


def a_guarantee(network) -> Guarantee:
    return Guarantee.objects.filter(application=network.own_application).first()


def test_the_advisor_removes_a_guarantee_and_the_guarantor_stays_known(network):
    guarantee = a_guarantee(network)

    services.guarantee_remove(guarantee=guarantee, actor=network.advisor)

    assert not Guarantee.objects.filter(pk=guarantee.pk).exists()
    # The person is still known in the quarter, for the next application.
    assert Guarantor.objects.filter(pk=guarantee.guarantor_id).exists()
    entry = AuditEntry.objects.get(action="guarantee.removed")
    assert entry.object_id == str(network.own_application.pk)
    assert entry.actor == network.advisor
    assert entry.changes == {
        "guarantor": guarantee.guarantor.full_name,
        "amount": str(guarantee.amount),
    }


@pytest.mark.parametrize("role", ["staff", "administrator", "committee_member"])
def test_only_the_advisor_removes_guarantees(network, role):
    guarantee = a_guarantee(network)

    with pytest.raises(PermissionDenied):
        services.guarantee_remove(guarantee=guarantee, actor=network.users_by_role()[role])

    assert Guarantee.objects.filter(pk=guarantee.pk).exists()
    assert not AuditEntry.objects.filter(action="guarantee.removed").exists()


def test_a_submitted_applications_guarantees_stay(network):
    Application.objects.filter(pk=network.own_application.pk).update(
        status=Application.Status.SUBMITTED
    )
    guarantee = Guarantee.objects.select_related("application").get(pk=a_guarantee(network).pk)

    with pytest.raises(PermissionDenied):
        services.guarantee_remove(guarantee=guarantee, actor=network.advisor)

    assert Guarantee.objects.filter(pk=guarantee.pk).exists()
