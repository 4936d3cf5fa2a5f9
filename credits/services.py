"""Writes to applications: each service checks the actor's right, validates with messages a
person can act on, changes, and leaves an audit entry, in one transaction."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from miqua.accounts.models import User
from miqua.accounts.predicates import require_perm
from miqua.audit.services import audit_record
from miqua.money import ZERO, format_eur, validate_positive_amount
from miqua.text import text_length_errors, too_long_message
from quarters.models import LiabilityFund, Quarter
from quarters.selectors import fund_figures

from . import extensions, selectors
from .models import (
    Application,
    ApplicationDocument,
    ApplicationTransition,
    Borrower,
    CapacityReservation,
    Loan,
)
from .workflow import APPROVED_STATES, COMMITTEE_STEPS, DECIDED_STATES, TRANSITIONS

BORROWER_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "languages",
    "receives_sgb2",
    "bank_relationship",
)

# What a returning person is recognised by (see selectors.find_borrower).
IDENTITY_FIELDS = frozenset({"first_name", "last_name", "date_of_birth"})

# The parts of an application the advisor fills in, step by step.
APPLICATION_FIELDS = {
    "business": ("business_name", "trade", "stage", "founded_on", "jobs_now", "jobs_planned"),
    "request": ("amount", "purpose", "term_months", "grace_months"),
    "assessment": (
        "improves_situation",
        "can_repay",
        "potential",
        "handicap",
        "monthly_income",
        "monthly_costs",
        "repayable_if_closed",
        "repayable_if_closed_note",
    ),
}
EDITABLE_FIELDS = frozenset(f for fields in APPLICATION_FIELDS.values() for f in fields)
TEMPLATE_FIELDS = ("staff_assessment", "recommendation")

# Uploads: what the first bytes of each accepted type look like, and its file name endings.
UPLOAD_TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}


def _changes(obj: object, data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if getattr(obj, k) != v}


# --- Borrower and application entry ---------------------------------------------------------


@transaction.atomic
def application_create(
    *, quarter: Quarter, borrower_data: Mapping[str, Any], actor: User
) -> Application:
    """Start a draft for a person of `quarter`. A person who applied before is recognised
    (same names and date of birth) and their record reused, with new contact details taken
    over."""
    require_perm(actor, "credits.add_application", quarter)
    product = selectors.product_for_quarter(quarter=quarter)
    if product is None:
        raise ValidationError(
            _(
                "No loan product is set up for this quarter yet. Please ask the microfinancier's "
                "office to set one up in the administration."
            )
        )
    data = {k: v for k, v in borrower_data.items() if k in BORROWER_FIELDS}
    borrower = selectors.find_borrower(
        quarter=quarter,
        first_name=data["first_name"],
        last_name=data["last_name"],
        date_of_birth=data["date_of_birth"],
    )
    # Known from an earlier application or only from an earlier loan: either way recognised.
    recognised = borrower is not None
    if borrower is None:
        borrower = Borrower.objects.create(quarter=quarter, **data)
        audit_record(actor=actor, action="borrower.created", obj=borrower, quarter_id=quarter.pk)
    else:
        # Keep what we knew; take over what was typed now, except the identity the person was
        # recognised by: "MEHMET ÖZTÜRK" typed in capitals must not overwrite "Mehmet Öztürk".
        updates = {
            k: v for k, v in data.items() if v not in ("", None) and k not in IDENTITY_FIELDS
        }
        _save_changes(borrower, updates, actor=actor, action="borrower.changed")
    application = Application.objects.create(
        quarter=quarter, borrower=borrower, product=product, advisor=actor
    )
    audit_record(
        actor=actor,
        action="application.created",
        obj=application,
        quarter_id=quarter.pk,
        changes={"borrower": borrower.full_name, "recognised": recognised},
    )
    return application


def _save_changes(
    obj: Borrower | Application, updates: Mapping[str, Any], *, actor: User, action: str
) -> dict[str, Any]:
    """Write the fields that really change, and audit exactly those; nothing if none does."""
    changes = _changes(obj, updates)
    too_long = text_length_errors(type(obj), changes)
    if too_long:
        raise ValidationError(too_long)
    if changes:
        for field, value in changes.items():
            setattr(obj, field, value)
        obj.save(update_fields=[*changes, *(["updated_at"] if hasattr(obj, "updated_at") else [])])
        audit_record(
            actor=actor, action=action, obj=obj, quarter_id=obj.quarter_id, changes=changes
        )
    return changes


@transaction.atomic
def borrower_update(*, application: Application, data: Mapping[str, Any], actor: User) -> None:
    require_perm(actor, "credits.change_application", application)
    updates = {k: v for k, v in data.items() if k in BORROWER_FIELDS}
    _save_changes(application.borrower, updates, actor=actor, action="borrower.changed")


def request_errors(
    *,
    application: Application,
    amount: Any,
    term_months: int | None,
    grace_months: int | None,
) -> dict[str, str]:
    """The product's rules for the amount and the term, as messages per field."""
    product = application.product
    errors: dict[str, str] = {}
    if amount not in (None, ""):
        try:
            amount = validate_positive_amount(amount)
        except ValidationError as e:
            errors["amount"] = e.messages[0]
        else:
            cycle = selectors.loan_cycle(borrower=application.borrower, application=application)
            limit = product.max_amount_for_cycle(cycle)
            if amount < product.min_amount:
                errors["amount"] = _("The smallest loan is %(min)s.") % {
                    "min": format_eur(product.min_amount)
                }
            elif amount > limit:
                errors["amount"] = _(
                    "This would be loan number %(cycle)s of this person: it can be at most "
                    "%(limit)s."
                ) % {"cycle": cycle, "limit": format_eur(limit)}
    if term_months is not None:
        if term_months < 1:
            errors["term_months"] = _("The term must be at least one month.")
        elif term_months > product.max_term_months:
            errors["term_months"] = _("The term can be at most %(months)s months.") % {
                "months": product.max_term_months
            }
        elif grace_months is not None and grace_months >= term_months:
            errors["grace_months"] = _("The grace months must be fewer than the term.")
    return errors


@transaction.atomic
def application_update(
    *, application: Application, data: Mapping[str, Any], actor: User
) -> Application:
    """Save (part of) a draft. Incomplete is fine; wrong is not: the product's limits are
    checked for what was typed, so a mistake shows at once and not only on submission."""
    require_perm(actor, "credits.change_application", application)
    updates = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    errors = request_errors(
        application=application,
        amount=updates.get("amount", application.amount),
        term_months=updates.get("term_months", application.term_months),
        grace_months=updates.get("grace_months", application.grace_months),
    )
    errors = {field: message for field, message in errors.items() if field in updates}
    if errors:
        raise ValidationError(errors)
    _save_changes(application, updates, actor=actor, action="application.changed")
    return application


def application_missing_items(*, application: Application) -> list[str]:
    """What still keeps a draft from being submitted, each as a sentence a person can act on."""
    missing: list[str] = []
    borrower = application.borrower
    if not (borrower.street and borrower.postal_code and borrower.city):
        missing.append(_("the borrower's address"))
    if not (borrower.phone or borrower.email):
        missing.append(_("a phone number or email address of the borrower"))
    if borrower.receives_sgb2 is None:
        missing.append(_("whether the borrower receives Jobcenter benefits (SGB II)"))
    labels = {f.name: f.verbose_name for f in Application._meta.fields}
    required = (
        "business_name",
        "trade",
        "stage",
        "amount",
        "purpose",
        "term_months",
        "improves_situation",
        "can_repay",
        "potential",
        "handicap",
        "monthly_income",
        "monthly_costs",
        "repayable_if_closed",
    )
    for field in required:
        if getattr(application, field) in (None, ""):
            missing.append(str(labels[field]))
    for message in request_errors(
        application=application,
        amount=application.amount,
        term_months=application.term_months,
        grace_months=application.grace_months,
    ).values():
        missing.append(message)
    # What the apps standing on credits require (the guarantors), through the registry.
    missing.extend(extensions.missing_items(application))
    return missing


# --- Documents ----------------------------------------------------------------------------------


def _detect_type(uploaded: UploadedFile) -> str | None:
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for content_type, (magic, _endings) in UPLOAD_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def document_upload(
    *, application: Application, uploaded: UploadedFile, kind: str, actor: User
) -> ApplicationDocument:
    require_perm(actor, "credits.upload_document", application)
    limit = settings.MIQUA_UPLOAD_MAX_BYTES
    if uploaded.size is None or uploaded.size > limit:
        raise ValidationError(
            {
                "file": _("The file is larger than %(limit)s. Please make it smaller.")
                % {"limit": filesizeformat(limit)}
            }
        )
    content_type = _detect_type(uploaded)
    name = uploaded.name or ""
    if content_type is None or not name.lower().endswith(UPLOAD_TYPES[content_type][1]):
        raise ValidationError(
            {"file": _("Only PDF, JPEG and PNG files can be uploaded. Please convert the file.")}
        )
    if kind not in ApplicationDocument.Kind.values:
        raise ValidationError({"kind": _("Please choose what kind of document this is.")})
    document = ApplicationDocument(
        application=application,
        quarter=application.quarter,
        kind=kind,
        original_name=name[-200:],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=actor,
    )
    document.file.save(name, uploaded, save=False)
    document.save()
    audit_record(
        actor=actor,
        action="document.uploaded",
        obj=application,
        quarter_id=application.quarter_id,
        changes={"file": document.original_name, "kind": document.get_kind_display()},
    )
    return document


# --- Lending capacity ---------------------------------------------------------------------------


@transaction.atomic
def capacity_reserve(*, application: Application, actor: User | None) -> CapacityReservation:
    """Hold the approved amount against the quarter's lending capacity, or refuse with the
    capacity left. The fund row is locked first: concurrent approvals queue here, and each
    sees the reservations of those before it."""
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
def capacity_release(*, application: Application, actor: User | None) -> None:
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


# --- Decision template and workflow -----------------------------------------------------------


@transaction.atomic
def application_prepare(
    *, application: Application, staff_assessment: str, recommendation: str, actor: User
) -> Application:
    """The back office writes its part of the decision template."""
    require_perm(actor, "credits.prepare_application", application)
    updates = {
        "staff_assessment": staff_assessment.strip(),
        "recommendation": recommendation.strip(),
    }
    _save_changes(application, updates, actor=actor, action="application.template_written")
    return application


@transaction.atomic
def application_transition(
    *,
    application: Application,
    name: str,
    actor: User | None,
    comment: str = "",
    conditions: str = "",
    outcome: str = "",
    outcome_note: str = "",
    by_committee: bool = False,
) -> Application:
    """Move an application along the workflow table, if this actor may and its rule holds.

    `by_committee`: a step of the committee's process (`workflow.COMMITTEE_STEPS`), taken by
    `committees.services` when a ballot is opened or closed (they checked who may open or
    close it): only those steps accept it, they accept nothing else, and the acting person
    needs no role of the table (a chair closing, or no one when the deadline closes it).

    An approval reserves its amount against the quarter's lending capacity and is refused
    when the capacity does not suffice; leaving an approval releases the reservation.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError(_("This step does not exist."))
    # Lock the row: two people clicking at once must not both move it.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in transition.sources:
        raise ValidationError(
            _("The application is “%(status)s”: “%(step)s” is not possible now.")
            % {"status": application.get_status_display(), "step": transition.label}
        )
    if by_committee:
        if name not in COMMITTEE_STEPS:
            raise ValidationError(_("This step does not exist."))
    elif actor is None:
        raise ValueError("Only a committee's decision is taken without an acting person.")
    elif not actor.has_perm(transition.perm, application):
        if actor.has_perm(transition.perm):
            # A step of this role, but on an application of a quarter the actor may not see.
            raise PermissionDenied
        raise ValidationError(
            _("“%(step)s” is not a step for your role (%(role)s).")
            % {"step": transition.label, "role": actor.get_role_display()}
        )
    comment = comment.strip()
    errors: dict[str, Any] = {}
    if not by_committee:
        # What a person typed with the step; a committee's joined conditions are not cut.
        limit = Application._meta.get_field("conditions").max_length or 0
        for field, text in (
            ("comment", comment),
            ("conditions", conditions.strip()),
            ("outcome_note", outcome_note.strip()),
        ):
            if len(text) > limit:
                errors[field] = too_long_message(limit, len(text))
    if transition.needs_comment and not comment:
        errors["comment"] = _("Please give a reason: it is recorded with the step.")
    if transition.needs_conditions and not conditions.strip():
        errors["conditions"] = _("Please write out the conditions.")
    if transition.needs_outcome and outcome not in Application.Outcome.values:
        errors["outcome"] = _("Please choose what made the loan unnecessary.")
    if errors:
        raise ValidationError(errors)
    if name == "submit":
        missing = application_missing_items(application=application)
        if missing:
            raise ValidationError(
                _("The application cannot be submitted yet. Still missing: %(items)s.")
                % {"items": "; ".join(missing)},
                code="incomplete",
            )
    if name == "prepare" and not (application.staff_assessment and application.recommendation):
        raise ValidationError(
            _("Please write the assessment and the recommendation of the decision template first.")
        )

    previous = application.status
    leaves_approval = previous in APPROVED_STATES and transition.target not in APPROVED_STATES
    if leaves_approval and Loan.objects.filter(application=application).exists():
        raise ValidationError(
            _(
                "The payout of this approval is recorded: the approval can no longer be "
                "withdrawn or lapse. A loan in trouble is rescheduled or declared in default "
                "on its own page."
            ),
            code="paid_out",
        )
    if transition.target in APPROVED_STATES and previous not in APPROVED_STATES:
        capacity_reserve(application=application, actor=actor)
    if previous in APPROVED_STATES and transition.target not in APPROVED_STATES:
        capacity_release(application=application, actor=actor)
    application.status = transition.target
    now = timezone.now()
    if name == "submit":
        application.submitted_at = now
    if transition.target in DECIDED_STATES:
        application.decided_at = now
    if transition.needs_conditions:
        application.conditions = conditions.strip()
    if transition.needs_outcome:
        application.outcome = outcome
        application.outcome_note = outcome_note.strip()
    application.save()
    ApplicationTransition.objects.create(
        application=application,
        quarter=application.quarter,
        from_status=previous,
        to_status=transition.target,
        actor=actor,
        comment=comment or conditions.strip() or outcome_note.strip(),
    )
    audit_record(
        actor=actor,
        action="application.status_changed",
        obj=application,
        quarter_id=application.quarter_id,
        changes={"from": previous, "to": transition.target, "comment": comment},
    )
    return application
