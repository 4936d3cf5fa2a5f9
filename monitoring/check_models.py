"""The monthly disruption check on the 15th: one row per month (the claim), a snapshot of every
loan in arrears that day, the active and disrupted loans counted per quarter, and the quality
measures recorded when a month's rate is above the standard.

Rows are written by `monitoring.services` only; the rates are read by `monitoring.selectors`."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

MONEY = {"max_digits": 12, "decimal_places": 2}
# The longest quality measure, in characters (the form and the service check it too).
MEASURE_MAX = 4000
# The portfolio's one row of CheckSettings.
CHECK_SETTINGS_PK = 1


class MonthlyCheck(models.Model):
    """One check per month, as of its 15th. The unique date is the claim: a second worker or a
    rerun finds the row and books nothing twice."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    as_of = models.DateField(_("as of"), unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    active = models.PositiveIntegerField(_("active loans"), default=0)
    disrupted = models.PositiveIntegerField(_("disrupted loans"), default=0)
    # The standard in force when the check ran, so a later change of the setting does not
    # rewrite the history.
    standard_percent = models.DecimalField(
        _("standard (%)"), max_digits=5, decimal_places=2, default=Decimal("10.00")
    )
    requires_qa = models.BooleanField(_("quality measures required"), default=False)
    # Set when the mails of the check (advisors' due contacts, staff summary) went out: the
    # claim that keeps a rerun or a second worker from mailing twice.
    mails_sent_at = models.DateTimeField(_("mails sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("monthly check")
        verbose_name_plural = _("monthly checks")

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d}"


class LoanSnapshot(models.Model):
    """A loan in arrears on the check's day, as it stood then (the ledger moves on)."""

    check_run = models.ForeignKey(
        MonthlyCheck,
        verbose_name=_("monthly check"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    loan = models.ForeignKey(
        "credits.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="+"
    )
    quarter = models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty: outside the quarters."),
    )
    municipality = models.ForeignKey(
        "quarters.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    amount_in_arrears = models.DecimalField(_("amount in arrears (EUR)"), **MONEY)
    oldest_unpaid_due_on = models.DateField(_("oldest unpaid instalment due on"))
    days_past_due = models.PositiveIntegerField(_("days past due"))

    objects = ScopedManager(quarter="quarter")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["check_run", "loan"], name="snapshot_once_per_check")
        ]
        verbose_name = _("loan in arrears")
        verbose_name_plural = _("loans in arrears")

    def __str__(self) -> str:
        return f"{self.check_run_id}/{self.loan_id}"


class QuarterRate(models.Model):
    """Active and disrupted loans of one quarter on the check's day (quarter empty: the loans
    outside the quarters)."""

    check_run = models.ForeignKey(
        MonthlyCheck,
        verbose_name=_("monthly check"),
        on_delete=models.CASCADE,
        related_name="rates",
    )
    quarter = models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty: outside the quarters."),
    )
    active = models.PositiveIntegerField(_("active loans"))
    disrupted = models.PositiveIntegerField(_("disrupted loans"))

    objects = ScopedManager(quarter="quarter")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["check_run", "quarter"], name="rate_once_per_quarter"),
            # NULL is never equal to NULL in a unique index: one row outside the quarters.
            models.UniqueConstraint(
                fields=["check_run"],
                condition=models.Q(quarter__isnull=True),
                name="rate_once_outside_quarters",
            ),
        ]
        verbose_name = _("rate per quarter")
        verbose_name_plural = _("rates per quarter")

    def __str__(self) -> str:
        return f"{self.check_run_id}/{self.quarter_id or '-'}"


class QualityMeasure(models.Model):
    """What staff do about a month above the standard."""

    check_run = models.ForeignKey(
        MonthlyCheck,
        verbose_name=_("monthly check"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    text = models.TextField(_("measure"), max_length=MEASURE_MAX)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("quality measure")
        verbose_name_plural = _("quality measures")

    def __str__(self) -> str:
        return self.text[:60]


class CheckSettings(models.Model):
    """The portfolio's settings of the monthly check, kept by staff (one row, pk 1): the
    standard and the month from which the catch-up starts when no check is recorded yet.
    Without the row the Django setting MIQUA_DISRUPTION_STANDARD_PERCENT applies."""

    standard_percent = models.DecimalField(
        _("standard (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        help_text=_("At most this share of the active loans may be disrupted on a 15th."),
    )
    start_month = models.DateField(
        _("first month to check"),
        null=True,
        blank=True,
        help_text=_("Empty: from the month of the first payout."),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("settings of the monthly check")
        verbose_name_plural = _("settings of the monthly check")

    def __str__(self) -> str:
        return f"{self.standard_percent} %"
