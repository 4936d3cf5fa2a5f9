"""A draft without enough guarantees cannot be submitted: the rule lives in guarantors and
reaches credits' submission checks through the part guarantors registers
(`credits.extensions`)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from credits import extensions
from credits import services as credit_services
from credits.models import Application, ApplicationTransition
from guarantors.models import Guarantee
from guarantors.parts import GUARANTEES
from miqua.money import format_eur
from tests.clients import client_for

S = Application.Status


def step(user, application: Application, name: str, data: dict | None = None):
    url = reverse("application_transition", args=[application.pk, name])
    return client_for(user).post(url, data or {})


def fresh(application: Application) -> Application:
    with scopes_disabled():
        return Application.objects.get(pk=application.pk)


def transitions_of(application: Application) -> list[ApplicationTransition]:
    with scopes_disabled():
        return list(ApplicationTransition.objects.filter(application=application))


def _missing_after(application: Application) -> list[str]:
    with scopes_disabled():
        return credit_services.application_missing_items(application=fresh(application))


def test_guarantors_registers_its_part_of_an_application():
    assert GUARANTEES in extensions.application_parts()


def test_the_missing_guarantees_are_named_among_the_missing_items(network):
    with scopes_disabled():
        Guarantee.objects.filter(application=network.own_application).delete()

    missing = _missing_after(network.own_application)

    # Both halves of the rule: the two guarantors, and the 2.500,00 € they must cover.
    assert missing == [
        _("at least %(n)s guarantors (so far %(count)s)") % {"n": 2, "count": 0},
        _("guarantees of at least %(required)s together (so far %(total)s)")
        % {"required": format_eur(Decimal("2500.00")), "total": format_eur(Decimal("0.00"))},
    ]


def test_the_service_refuses_to_submit_a_draft_without_enough_guarantees(network):
    with scopes_disabled():
        Guarantee.objects.filter(application=network.own_application).update(
            amount=Decimal("1000.00")
        )
        application = fresh(network.own_application)
        missing = credit_services.application_missing_items(application=application)
        assert len(missing) == 1  # two guarantors, but 2.000,00 € of the 2.500,00 € needed

        with pytest.raises(ValidationError) as refused:
            credit_services.application_transition(
                application=application, name="submit", actor=network.advisor
            )
    assert missing[0] in refused.value.messages[0]
    assert fresh(application).status == S.DRAFT


def test_a_submission_without_the_second_guarantor_lists_what_is_missing(network):
    application = network.own_application
    with scopes_disabled():
        application.guarantees.first().delete()
    missing = _missing_after(application)
    assert missing  # the guarantor rule: too few guarantors, too little guaranteed

    response = step(network.advisor, application, "submit", {"comment": ""})

    assert response.status_code == 400
    # The checklist above the button names them; the button's message points there.
    assert response.context["workflow_missing_items"] == missing
    [submit] = response.context["workflow_forward"]
    text = " ".join(submit.form.non_field_errors())
    assert text and not any(item in text for item in missing)
    assert fresh(application).status == S.DRAFT
    assert transitions_of(application) == []
