"""Writes to guarantees: each service checks the actor's right, validates with messages a person
can act on, changes, and leaves an audit entry, in one transaction."""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credits.models import Application, Loan
from credits.servicing import fund_write_off
from miqua.accounts.models import User
from miqua.accounts.predicates import require_perm
from miqua.audit.services import audit_record
from miqua.money import ZERO, format_eur, quantize_eur, validate_positive_amount

from . import selectors
from .models import Guarantee, Guarantor, GuarantorClaim


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
    require_perm(actor, "guarantors.manage_guarantees", application)
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
    require_perm(actor, "guarantors.manage_guarantees", application)
    audit_record(
        actor=actor,
        action="guarantee.removed",
        obj=application,
        quarter_id=application.quarter_id,
        changes={"guarantor": guarantee.guarantor.full_name, "amount": str(guarantee.amount)},
    )
    guarantee.delete()


# --- Claims on a defaulted loan ------------------------------------------------------------------
#
# Called by credits through its registries (`credits.extensions`), inside the default's or the
# recovery's transaction: guarantors stands above credits, so it may call credits' services
# (the fund's write-off of a waived claim), never the other way round.


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` split in proportion to `weights`, to the cent, each part at most its weight (the
    last absorbs the rounding, within its weight); the parts add up to min(total, sum)."""
    whole = sum(weights, ZERO)
    if whole <= 0 or total <= 0:
        return [ZERO for _weight in weights]
    target = min(total, whole)
    parts = [min(quantize_eur(target * w / whole), w) for w in weights]
    parts[-1] = min(weights[-1], max(target - sum(parts[:-1], ZERO), ZERO))
    return parts


def _claim_status(claim: GuarantorClaim) -> str:
    if claim.amount_waived > 0:
        return GuarantorClaim.Status.WAIVED
    if claim.amount_open == 0:
        return GuarantorClaim.Status.PAID
    if claim.amount_paid > 0 or claim.amount_recovered > 0:
        return GuarantorClaim.Status.PARTLY_PAID
    return GuarantorClaim.Status.DEMANDED


def claims_demand(*, loan: Loan, remaining: Decimal, day: datetime.date, actor: User) -> Decimal:
    """The default handler: claim the remaining principal from the guarantors of the loan's
    application, in proportion to their guarantees and each at most their guaranteed amount.
    Returns the total demanded (what the fund does not have to write off)."""
    require_perm(actor, "guarantors.manage_claims", loan)
    if loan.application_id is None or remaining <= 0:
        return ZERO
    guarantees = list(
        Guarantee.objects.filter(application_id=loan.application_id)
        .select_related("guarantor")
        .order_by("created_at", "id")
    )
    shares = _split(remaining, [g.amount for g in guarantees])
    claims = [
        GuarantorClaim(
            guarantee=guarantee,
            loan=loan,
            quarter_id=guarantee.quarter_id,
            amount_demanded=share,
            demanded_on=day,
            demanded_by=actor,
            changed_by=actor,
        )
        for guarantee, share in zip(guarantees, shares, strict=True)
        if share > 0
    ]
    GuarantorClaim.objects.bulk_create(claims)
    for claim in claims:
        audit_record(
            actor=actor,
            action="claim.demanded",
            obj=loan,
            quarter_id=loan.quarter_id,
            changes={
                "guarantor": claim.guarantee.guarantor.full_name,
                "amount": str(claim.amount_demanded),
                "guaranteed": str(claim.guarantee.amount),
            },
        )
    return sum((c.amount_demanded for c in claims), ZERO)


def claims_recover(*, loan: Loan, amount: Decimal, day: datetime.date, actor: User) -> Decimal:
    """The recovery handler: the borrower's money after the default, once the fund has its
    write-off back, goes to the guarantors' claims in proportion to what each still bears (its
    demand less what was waived and what came back already). Returns what it took."""
    claims = list(
        GuarantorClaim.objects.select_for_update()
        .filter(loan=loan)
        .select_related("guarantee__guarantor")
        .order_by("id")
    )
    bearing = [c.amount_demanded - c.amount_waived - c.amount_recovered for c in claims]
    shares = _split(amount, bearing)
    for claim, share in zip(claims, shares, strict=True):
        if share <= 0:
            continue
        claim.amount_recovered += share
        claim.status = _claim_status(claim)
        if claim.amount_open == 0 and claim.settled_on is None:
            claim.settled_on = day
        claim.changed_by = actor
        claim.save()
        audit_record(
            actor=actor,
            action="claim.recovered",
            obj=loan,
            quarter_id=loan.quarter_id,
            changes={
                "guarantor": claim.guarantee.guarantor.full_name,
                "amount": str(share),
                "to_refund": str(claim.amount_to_refund),
            },
        )
    return sum(shares, ZERO)


@transaction.atomic
def claim_record_payment(
    *, claim: GuarantorClaim, amount: Any, day: datetime.date, actor: User
) -> GuarantorClaim:
    """What a guarantor paid on their claim."""
    require_perm(actor, "guarantors.manage_claims", claim)
    claim = GuarantorClaim.objects.select_for_update().select_related("loan").get(pk=claim.pk)
    try:
        amount = validate_positive_amount(amount)
    except ValidationError as e:
        raise ValidationError({"amount": e.messages[0]}) from None
    if claim.status == GuarantorClaim.Status.WAIVED:
        raise ValidationError(_("This claim was waived: no payment can be recorded."))
    if amount > claim.amount_open:
        raise ValidationError(
            {
                "amount": _("Only %(open)s is still open on this claim. Please check the amount.")
                % {"open": format_eur(claim.amount_open)}
            }
        )
    if day < claim.demanded_on or day > timezone.localdate():
        raise ValidationError(
            {
                "day": _("Please enter the day it was paid, from %(first)s to today.")
                % {"first": claim.demanded_on.strftime("%d.%m.%Y")}
            }
        )
    claim.amount_paid += amount
    claim.status = _claim_status(claim)
    if claim.amount_open == 0:
        claim.settled_on = day
    claim.changed_by = actor
    claim.save()
    audit_record(
        actor=actor,
        action="claim.paid",
        obj=claim.loan,
        quarter_id=claim.quarter_id,
        changes={
            "guarantor": claim.guarantee.guarantor.full_name,
            "amount": str(amount),
            "day": day.isoformat(),
        },
    )
    return claim


@transaction.atomic
def claim_waive(
    *, claim: GuarantorClaim, note: str, actor: User, day: datetime.date | None = None
) -> GuarantorClaim:
    """Give up what is still open on a claim (the guarantor cannot pay): the open part is
    written off against the fund, like the rest of the default."""
    require_perm(actor, "guarantors.manage_claims", claim)
    claim = GuarantorClaim.objects.select_for_update().select_related("loan").get(pk=claim.pk)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Please say why the claim is waived.")})
    if len(note) > 4000:
        raise ValidationError({"note": _("Please shorten the note to 4000 characters.")})
    open_amount = claim.amount_open
    if claim.status == GuarantorClaim.Status.WAIVED or open_amount == 0:
        raise ValidationError(_("Nothing is open on this claim: there is nothing to waive."))
    day = day or timezone.localdate()
    claim.amount_waived = open_amount
    claim.status = GuarantorClaim.Status.WAIVED
    claim.settled_on = day
    claim.note = note
    claim.changed_by = actor
    claim.save()
    fund_write_off(
        loan=claim.loan,
        amount=open_amount,
        day=day,
        note=_("Guarantor claim waived: %(name)s") % {"name": claim.guarantee.guarantor.full_name},
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="claim.waived",
        obj=claim.loan,
        quarter_id=claim.quarter_id,
        changes={
            "guarantor": claim.guarantee.guarantor.full_name,
            "amount": str(open_amount),
            "note": note,
        },
    )
    return claim
