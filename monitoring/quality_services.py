"""Quality assurance of the monthly check: the measures staff record for a month above the
standard and close when done, and the check's settings (the standard, the first month)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from miqua.accounts.models import User
from miqua.accounts.predicates import require_perm
from miqua.audit.services import audit_record

from .check_models import CHECK_SETTINGS_PK, MEASURE_MAX
from .models import CheckSettings, MonthlyCheck, QualityMeasure

STANDARD_MAX = Decimal("100")


@transaction.atomic
def quality_measure_record(*, check: MonthlyCheck, text: str, actor: User) -> QualityMeasure:
    """Record what staff do about a month above the standard."""
    require_perm(actor, "monitoring.record_quality_measure")
    if check.status != MonthlyCheck.Status.DONE or not check.requires_qa:
        raise ValidationError(
            _(
                "This month was not above the standard: it needs no quality measures, so "
                "none can be recorded for it."
            ),
            code="not_required",
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": _("Please describe the measure in a few words.")}, code="required"
        )
    if len(text) > MEASURE_MAX:
        raise ValidationError(
            {"text": _("Please shorten the measure to %(max)d characters.") % {"max": MEASURE_MAX}},
            code="too_long",
        )
    measure = QualityMeasure.objects.create(check_run=check, text=text, recorded_by=actor)
    audit_record(
        actor=actor,
        action="quality_measure.recorded",
        obj=measure,
        changes={"check": check.as_of.isoformat(), "text": text},
    )
    return measure


@transaction.atomic
def quality_measure_close(*, measure: QualityMeasure, actor: User) -> QualityMeasure:
    """Close a measure once it is done. A measure is closed once: a second close (a double
    click, a colleague at the same time) is refused and changes nothing."""
    require_perm(actor, "monitoring.record_quality_measure")
    # Locked: of two closes at the same time the second waits and then finds it closed.
    measure = (
        QualityMeasure.objects.select_for_update(of=("self",))
        .select_related("closed_by", "check_run")
        .get(pk=measure.pk)
    )
    if measure.closed_at is not None:
        closed_by = measure.closed_by
        raise ValidationError(
            _("This measure was already closed on %(day)s by %(name)s; nothing was changed.")
            % {
                "day": formats.date_format(
                    timezone.localtime(measure.closed_at), "SHORT_DATE_FORMAT"
                ),
                "name": (closed_by.full_name or closed_by.email) if closed_by else "-",
            },
            code="already_closed",
        )
    measure.closed_at = timezone.now()
    measure.closed_by = actor
    measure.save(update_fields=["closed_at", "closed_by"])
    audit_record(
        actor=actor,
        action="quality_measure.closed",
        obj=measure,
        changes={"check": measure.check_run.as_of.isoformat()},
    )
    return measure


@transaction.atomic
def check_settings_update(
    *, standard_percent: Decimal | None, start_month: datetime.date | None, actor: User
) -> CheckSettings:
    """Set the standard (above 0, at most 100 %) and the first month to check (kept as the
    1st of its month; empty: from the first payout). A change applies to the checks still to
    come: a month already checked keeps the standard it was checked against."""
    require_perm(actor, "monitoring.change_check_settings")
    errors: dict[str, list[str]] = {}
    if standard_percent is None or not standard_percent.is_finite():
        errors["standard_percent"] = [_("Please enter the standard in percent, e.g. 10.")]
    elif not Decimal(0) < standard_percent <= STANDARD_MAX:
        errors["standard_percent"] = [_("Please enter a standard above 0 % and at most 100 %.")]
    elif standard_percent != standard_percent.quantize(Decimal("0.01")):
        errors["standard_percent"] = [
            _("Please enter the standard with at most two decimal places.")
        ]
    if errors:
        raise ValidationError(errors)
    assert standard_percent is not None
    first = start_month.replace(day=1) if start_month is not None else None
    row, created = CheckSettings.objects.select_for_update().get_or_create(
        pk=CHECK_SETTINGS_PK,
        defaults={"standard_percent": standard_percent, "start_month": first},
    )
    before = {"standard_percent": row.standard_percent, "start_month": row.start_month}
    row.standard_percent = standard_percent.quantize(Decimal("0.01"))
    row.start_month = first
    row.save()
    audit_record(
        actor=actor,
        action="check_settings.changed",
        obj=row,
        changes={
            "standard_percent": [
                None if created else str(before["standard_percent"]),
                str(row.standard_percent),
            ],
            "start_month": [
                None
                if created or before["start_month"] is None
                else before["start_month"].isoformat(),
                first.isoformat() if first else None,
            ],
        },
    )
    return row
