"""Recording a contact with a borrower."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credits.models import Borrower, Loan
from miqua.accounts.models import User
from miqua.accounts.predicates import require_perm
from miqua.audit.services import audit_record

from .contact_models import NEXT_STEP_MAX, NOTE_MAX, Contact

# No contact log reaches further back than the network itself.
EARLIEST_CONTACT = datetime.date(2000, 1, 1)


@transaction.atomic
def contact_record(
    *,
    borrower: Borrower,
    loan: Loan | None = None,
    contacted_on: datetime.date,
    channel: str,
    note: str,
    next_step: str = "",
    next_step_on: datetime.date | None = None,
    actor: User,
    today: datetime.date | None = None,
) -> Contact:
    """Record that `actor` was in contact with `borrower` (about `loan`) on `contacted_on`."""
    require_perm(actor, "monitoring.record_contact", loan if loan is not None else borrower)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if loan is not None and loan.borrower_id != borrower.pk:
        errors.setdefault("loan", []).append(_("This loan belongs to another borrower."))
    if contacted_on > today:
        errors.setdefault("contacted_on", []).append(
            _("A contact is recorded once it took place: the date cannot be in the future.")
        )
    earliest = EARLIEST_CONTACT
    if loan is not None and loan.disbursed_on and loan.disbursed_on > earliest:
        earliest = loan.disbursed_on
    if contacted_on < earliest:
        errors.setdefault("contacted_on", []).append(
            _("Please check the date: it cannot be before %(day)s (the loan's payout).")
            % {"day": earliest.strftime("%d.%m.%Y")}
            if earliest != EARLIEST_CONTACT
            else _("Please check the year: the date cannot be before 2000.")
        )
    if channel not in Contact.Channel.values:
        errors.setdefault("channel", []).append(_("Please choose how the contact took place."))
    note = note.strip()
    if not note:
        errors.setdefault("note", []).append(_("Please write in a few words what was said."))
    elif len(note) > NOTE_MAX:
        errors.setdefault("note", []).append(
            _("Please shorten the note to %(max)d characters.") % {"max": NOTE_MAX}
        )
    next_step = next_step.strip()
    if len(next_step) > NEXT_STEP_MAX:
        errors.setdefault("next_step", []).append(
            _("Please shorten the next step to %(max)d characters.") % {"max": NEXT_STEP_MAX}
        )
    if next_step_on is not None and next_step_on < contacted_on:
        errors.setdefault("next_step_on", []).append(
            _("The next step cannot be due before the contact: please check its date.")
        )
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.create(
        quarter_id=borrower.quarter_id,
        borrower=borrower,
        loan=loan,
        contacted_on=contacted_on,
        channel=channel,
        by=actor,
        note=note,
        next_step=next_step,
        next_step_on=next_step_on,
    )
    audit_record(
        actor=actor,
        action="contact.recorded",
        obj=contact,
        quarter_id=contact.quarter_id,
        changes={
            "borrower": borrower.pk,
            "loan": loan.pk if loan is not None else None,
            "contacted_on": contacted_on.isoformat(),
            "channel": channel,
        },
    )
    return contact
