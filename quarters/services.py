"""Writes to the network. Each service checks the actor's right, validates, changes and audits in
one transaction."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from miqua.accounts.models import User
from miqua.audit.services import audit_record
from miqua.money import validate_positive_amount

from .models import FundContribution, LiabilityFund, Organisation


@transaction.atomic
def contribution_record(
    *,
    fund: LiabilityFund,
    partner: Organisation,
    paid_on: datetime.date,
    amount: Decimal | str,
    note: str = "",
    actor: User,
) -> FundContribution:
    """Record liability capital that a partner paid into a quarter's fund."""
    if not actor.has_perm("quarters.record_contribution", fund.quarter):
        raise PermissionDenied
    errors: dict[str, list[ValidationError]] = {}
    try:
        amount = validate_positive_amount(amount)
    except ValidationError as e:
        errors["amount"] = [e]
    if paid_on > timezone.localdate():
        errors["paid_on"] = [
            ValidationError(
                _("A contribution counts once it is paid in: the date cannot be in the future."),
                code="future",
            )
        ]
    if errors:
        raise ValidationError(errors)
    contribution = FundContribution.objects.create(
        fund=fund, partner=partner, paid_on=paid_on, amount=amount, note=note, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="fund.contribution_recorded",
        obj=fund,
        quarter_id=fund.quarter_id,
        changes={
            "partner": partner.name,
            "paid_on": paid_on.isoformat(),
            "amount": str(amount),
            "note": note,
        },
    )
    return contribution
