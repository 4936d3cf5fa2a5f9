"""Writes to the network. Each service checks the actor's right, validates, changes and audits in
one transaction."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from miqua.accounts.models import User
from miqua.audit.services import audit_record
from miqua.money import ZERO, format_eur, validate_positive_amount

if TYPE_CHECKING:
    from credits.models import Application

from .models import CapacityReservation, FundContribution, LiabilityFund, Organisation


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


@transaction.atomic
def capacity_reserve(*, application: "Application", actor: User | None) -> CapacityReservation:
    """Hold the approved amount against the quarter's lending capacity, or refuse with the
    capacity left. The fund row is locked first: concurrent approvals queue here, and each
    sees the reservations of those before it."""
    from .selectors import fund_figures

    try:
        fund = LiabilityFund.objects.select_for_update().get(quarter_id=application.quarter_id)
    except LiabilityFund.DoesNotExist:
        raise ValidationError(
            _("This quarter has no liability fund yet, so no loan can be approved.")
        ) from None
    available = fund_figures(fund=fund).available_capacity
    amount = application.amount or ZERO
    if amount > available:
        raise ValidationError(
            _(
                "The liability fund of %(quarter)s cannot carry this loan: %(amount)s asked, "
                "%(available)s of lending capacity left."
            )
            % {
                "quarter": fund.quarter.name,
                "amount": format_eur(amount),
                "available": format_eur(max(available, ZERO)),
            },
            code="capacity",
        )
    reservation = CapacityReservation.objects.create(
        fund=fund, quarter_id=application.quarter_id, application=application, amount=amount
    )
    audit_record(
        actor=actor,
        action="fund.capacity_reserved",
        obj=fund,
        quarter_id=fund.quarter_id,
        changes={"application": application.reference, "amount": str(amount)},
    )
    return reservation


@transaction.atomic
def capacity_release(*, application: "Application", actor: User | None) -> None:
    """Give the capacity of an approval back (withdrawn, lapsed, revoked). Idempotent."""
    for reservation in CapacityReservation.objects.select_for_update().filter(
        application=application, released_at__isnull=True
    ):
        reservation.released_at = timezone.now()
        reservation.save(update_fields=["released_at"])
        audit_record(
            actor=actor,
            action="fund.capacity_released",
            obj=reservation.fund,
            quarter_id=reservation.quarter_id,
            changes={"application": application.reference, "amount": str(reservation.amount)},
        )
