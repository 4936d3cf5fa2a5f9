"""Writes to the network. Each service checks the actor's right, validates, changes and audits in
one transaction."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from miqua.accounts.models import User
from miqua.audit.services import audit_record
from miqua.money import validate_positive_amount

from .models import EARLIEST_CONTRIBUTION, FundContribution, LiabilityFund, Organisation


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
    elif paid_on < EARLIEST_CONTRIBUTION:
        errors["paid_on"] = [
            ValidationError(
                _(
                    "Please check the year: MIQUA records contributions paid in from "
                    "%(earliest)s on."
                )
                % {"earliest": formats.date_format(EARLIEST_CONTRIBUTION, "SHORT_DATE_FORMAT")},
                code="too_early",
            )
        ]
    if not partner.may_pay_into(fund.quarter):
        errors["partner"] = [
            ValidationError(
                _(
                    "%(partner)s belongs to %(municipality)s and cannot pay into the fund of "
                    "%(quarter)s: a fund takes the capital of its own municipality's partners "
                    "and of organisations that work network-wide."
                )
                % {
                    "partner": partner.name,
                    "municipality": partner.municipality,
                    "quarter": fund.quarter,
                },
                code="foreign_partner",
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
