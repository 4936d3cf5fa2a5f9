"""Writes to guarantees: each service checks the actor's right, validates with messages a person
can act on, changes, and leaves an audit entry, in one transaction."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from credits.models import Application
from miqua.accounts.models import User
from miqua.audit.services import audit_record
from miqua.money import validate_positive_amount

from . import selectors
from .models import Guarantee, Guarantor


def _require(actor: User, perm: str, obj: object = None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def known_guarantor_error(guarantor: Guarantor) -> ValidationError:
    """Why a guarantor typed in as new must be chosen from the list instead (code "known")."""
    return ValidationError(
        _(
            "%(name)s is already known in this quarter: please choose the person from the list, "
            "so that all their guarantees are counted together. If it is another person of the "
            "same name, enter the date of birth."
        )
        % {"name": guarantor.full_name},
        code="known",
    )


@transaction.atomic
def guarantee_add(
    *,
    application: Application,
    relation: str,
    amount: Any,
    actor: User,
    guarantor: Guarantor | None = None,
    guarantor_data: Mapping[str, Any] | None = None,
) -> Guarantee:
    """Let an existing guarantor of the quarter, or a new one, vouch for this application.

    A "new" guarantor who is already known in the quarter (the same names and, if given, the
    same date of birth) is refused: a second record of the person would split their open
    guarantees in two, and nobody would see how much they stand for in all.
    """
    _require(actor, "guarantors.manage_guarantees", application)
    errors: dict[str, ValidationError | str] = {}
    try:
        amount = validate_positive_amount(amount)
    except ValidationError as e:
        errors["amount"] = e.messages[0]
    if not relation.strip():
        errors["relation"] = _("Please say how the guarantor is related to the borrower.")
    if guarantor is None and not guarantor_data:
        errors["guarantor"] = _("Please choose a guarantor or enter a new one.")
    if guarantor is not None and guarantor.quarter_id != application.quarter_id:
        raise PermissionDenied
    if guarantor is not None and application.guarantees.filter(guarantor=guarantor).exists():
        errors["guarantor"] = _("%(name)s already stands for this application.") % {
            "name": guarantor.full_name
        }
    if guarantor is None and guarantor_data:
        known = selectors.known_guarantor(
            quarter=application.quarter,
            first_name=guarantor_data.get("first_name") or "",
            last_name=guarantor_data.get("last_name") or "",
            date_of_birth=guarantor_data.get("date_of_birth"),
        )
        if known is not None:
            errors["guarantor"] = known_guarantor_error(known)
    if errors:
        raise ValidationError(errors)
    if guarantor is None:
        assert guarantor_data is not None
        guarantor = Guarantor.objects.create(quarter=application.quarter, **guarantor_data)
        audit_record(
            actor=actor, action="guarantor.created", obj=guarantor, quarter_id=guarantor.quarter_id
        )
    guarantee = Guarantee.objects.create(
        application=application,
        guarantor=guarantor,
        quarter=application.quarter,
        relation=relation.strip(),
        amount=amount,
    )
    audit_record(
        actor=actor,
        action="guarantee.added",
        obj=application,
        quarter_id=application.quarter_id,
        changes={"guarantor": guarantor.full_name, "amount": str(amount), "relation": relation},
    )
    return guarantee


@transaction.atomic
def guarantee_remove(*, guarantee: Guarantee, actor: User) -> None:
    application = guarantee.application
    _require(actor, "guarantors.manage_guarantees", application)
    audit_record(
        actor=actor,
        action="guarantee.removed",
        obj=application,
        quarter_id=application.quarter_id,
        changes={"guarantor": guarantee.guarantor.full_name, "amount": str(guarantee.amount)},
    )
    guarantee.delete()
