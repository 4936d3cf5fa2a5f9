"""Loans and their ledger: the schedule in versions, the instalments, payments and how each
payment was allocated, and what a default or a recovery booked against a quarter's fund.

Every figure of a loan (outstanding principal, arrears, credit) is summed from these rows by
`credits.loan_selectors`, never typed in. Rows are written by `credits.loan_services` only.

A loan without a quarter is a loan outside the quarters: the microfinancier lends and carries
the risk alone (no local fund). The `quarter` scope of an advisor never finds it; staff, who
see every quarter, do.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ..schedule import Method
from .applications import MONEY, Application, Borrower

RATE = {"max_digits": 5, "decimal_places": 2}


def _quarter(related_name: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name=related_name,
        null=True,
        blank=True,
        help_text=_("Empty: outside the quarters."),
    )


class Loan(models.Model):
    """A loan the bank paid out. Recorded by one staff member, confirmed by a second (four
    eyes); only a confirmed loan runs and counts against its fund (until then the approval's
    capacity reservation holds the place). A recording the second person refuses is deleted,
    the audit trail keeps what it said."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        RUNNING = "running", _("Running")
        REPAID = "repaid", _("Repaid")
        DEFAULTED = "defaulted", _("Defaulted")

    class RepaymentMethod(models.TextChoices):
        ANNUITY = Method.ANNUITY.value, _("Annuity (equal instalments)")
        EQUAL_PRINCIPAL = Method.EQUAL_PRINCIPAL.value, _("Equal principal parts")

    quarter = _quarter("loans")
    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="loans"
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="loan",
        null=True,
        blank=True,
    )
    contract_number = models.CharField(
        _("contract number"),
        max_length=35,
        unique=True,
        help_text=_("The bank's number of the loan contract, as on the contract."),
    )
    iban = models.CharField(
        _("borrower's IBAN"),
        max_length=34,
        blank=True,
        help_text=_("The account the loan is paid to; repayments from it are matched to it."),
    )
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    interest_rate = models.DecimalField(_("nominal interest rate p.a. (%)"), **RATE)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    grace_months = models.PositiveSmallIntegerField(_("grace months"), default=0)
    instalment_day = models.PositiveSmallIntegerField(_("instalment day"), default=30)
    method = models.CharField(
        _("repayment"),
        max_length=16,
        choices=RepaymentMethod.choices,
        default=RepaymentMethod.ANNUITY,
    )
    disbursed_on = models.DateField(_("paid out on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_reason = models.TextField(_("reason"), blank=True, max_length=4000)
    # Loans from before the ledger (history typed in from paper files) say so here; a loan
    # booked in MIQUA shows its disruptions in its instalments.
    had_disruptions = models.BooleanField(_("payments were disrupted at times"), default=False)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-disbursed_on", "-id"]
        indexes = [
            models.Index(fields=["quarter", "status", "-disbursed_on"]),
            # The loan list across the quarters, newest first: a page read off the index.
            models.Index(fields=["-disbursed_on", "-id"], name="loan_list_order"),
            models.Index(fields=["iban"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running"], closed_on__isnull=True)
                | (
                    ~models.Q(status__in=["pending", "running"]) & models.Q(closed_on__isnull=False)
                ),
                name="loan_closed_on_iff_closed",
            ),
            models.CheckConstraint(
                condition=models.Q(interest_rate__gte=0), name="loan_interest_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(term_months__gte=1)
                & models.Q(grace_months__lt=models.F("term_months")),
                name="loan_grace_within_term",
            ),
            models.CheckConstraint(
                condition=models.Q(instalment_day__gte=1, instalment_day__lte=31),
                name="loan_instalment_day_in_month",
            ),
            # Four eyes: who confirms a payout is not who recorded it.
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True)
                | models.Q(recorded_by__isnull=True)
                | ~models.Q(confirmed_by=models.F("recorded_by")),
                name="loan_confirmed_by_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_number} {self.borrower}"

    @property
    def is_outside_quarters(self) -> bool:
        return self.quarter_id is None


class ScheduleVersion(models.Model):
    """One version of a loan's repayment schedule. The first comes with the payout; a
    rescheduling proposes another, which a second staff member approves. The earlier versions
    stay, with their instalments, for the record."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Schedule at payout")
        LONGER_TERM = "longer_term", _("Lower instalment, longer term")
        PAUSE = "pause", _("Pause of repayment")
        EARLY_REPAYMENT = "early_repayment", _("Early repayment")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("In force")
        SUPERSEDED = "superseded", _("Replaced")
        REJECTED = "rejected", _("Not approved")

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="versions"
    )
    quarter = _quarter()
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    # The first due date this version governs: instalments due before it stay as they were.
    valid_from = models.DateField(_("valid from"))
    term_months = models.PositiveSmallIntegerField(_("remaining term (months)"))
    pause_months = models.PositiveSmallIntegerField(_("months paused"), default=0)
    reason = models.TextField(_("reason"), blank=True, max_length=4000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or refused by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("schedule version")
        verbose_name_plural = _("schedule versions")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["loan"],
                condition=models.Q(status="active"),
                name="version_one_active_per_loan",
            ),
            models.UniqueConstraint(
                fields=["loan"],
                condition=models.Q(status="proposed"),
                name="version_one_proposal_per_loan",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | models.Q(proposed_by__isnull=True)
                | ~models.Q(decided_by=models.F("proposed_by")),
                name="version_decided_by_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan.contract_number} v{self.number}"


class Instalment(models.Model):
    """One instalment of a schedule version. `is_current` marks the instalments that are owed:
    those of the version in force, and those of earlier versions that fell due before it.

    `paid_interest`, `paid_principal` and `settled_on` repeat what the allocations say (kept by
    the allocation service in the same transaction), so the open instalments are found
    without summing every allocation."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="instalments"
    )
    version = models.ForeignKey(
        ScheduleVersion,
        verbose_name=_("schedule version"),
        on_delete=models.CASCADE,
        related_name="instalments",
    )
    quarter = _quarter()
    number = models.PositiveSmallIntegerField(_("no."))
    due_on = models.DateField(_("due on"))
    interest = models.DecimalField(_("interest"), **MONEY)
    principal = models.DecimalField(_("principal"), **MONEY)
    balance = models.DecimalField(_("principal owed after it"), **MONEY)
    is_current = models.BooleanField(_("owed"), default=True)
    paid_interest = models.DecimalField(_("interest paid"), default=0, **MONEY)
    paid_principal = models.DecimalField(_("principal paid"), default=0, **MONEY)
    settled_on = models.DateField(_("paid in full on"), null=True, blank=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["due_on", "number", "id"]
        indexes = [
            models.Index(
                fields=["loan", "due_on"],
                condition=models.Q(is_current=True),
                name="instalment_current_by_loan",
            ),
            # Arrears of the whole portfolio at a date: the unpaid current instalments.
            models.Index(
                fields=["due_on", "loan"],
                condition=models.Q(is_current=True, settled_on__isnull=True),
                name="instalment_open_by_due",
            ),
            # ... and those settled after that date (arrears_rows: settled_on > day). With the
            # one above the database reads only the instalments still open on the day (a
            # BitmapOr), not every current instalment due by then.
            models.Index(
                fields=["settled_on"],
                condition=models.Q(is_current=True, settled_on__isnull=False),
                name="instalment_settled_current",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"], name="instalment_number_unique_in_version"
            ),
            models.CheckConstraint(
                condition=models.Q(interest__gte=0, principal__gte=0, balance__gte=0),
                name="instalment_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    paid_interest__gte=0,
                    paid_interest__lte=models.F("interest"),
                    paid_principal__gte=0,
                    paid_principal__lte=models.F("principal"),
                ),
                name="instalment_paid_within_owed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan.contract_number} #{self.number} {self.due_on:%d.%m.%Y}"

    @property
    def amount(self) -> Decimal:
        return self.interest + self.principal

    @property
    def paid(self) -> Decimal:
        return self.paid_interest + self.paid_principal

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.paid


class Payment(models.Model):
    """Money received for a loan: typed in by staff or booked from a bank statement. What is
    not allocated to an instalment is the borrower's credit; it is never dropped."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Recorded by hand")
        STATEMENT = "statement", _("Bank statement")

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="payments"
    )
    quarter = _quarter()
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    value_date = models.DateField(_("value date"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    bank_entry = models.OneToOneField(
        "credits.BankEntry",
        verbose_name=_("bank statement entry"),
        on_delete=models.PROTECT,
        related_name="payment",
        null=True,
        blank=True,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["value_date", "id"]
        indexes = [models.Index(fields=["loan", "value_date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.loan.contract_number} {self.amount} EUR ({self.value_date:%d.%m.%Y})"


class Allocation(models.Model):
    """The part of a payment that went to one instalment, split into interest and principal.
    `value_date` repeats the payment's: arrears at a date are summed without a join."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="allocations"
    )
    instalment = models.ForeignKey(
        Instalment,
        verbose_name=_("instalment"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="allocations"
    )
    quarter = _quarter()
    interest = models.DecimalField(_("interest"), default=0, **MONEY)
    principal = models.DecimalField(_("principal"), default=0, **MONEY)
    value_date = models.DateField(_("value date"))

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["value_date", "id"]
        indexes = [
            models.Index(fields=["loan", "value_date"]),
            models.Index(fields=["instalment", "value_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interest__gte=0, principal__gte=0)
                & (models.Q(interest__gt=0) | models.Q(principal__gt=0)),
                name="allocation_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.interest} + {self.principal} EUR → {self.instalment_id}"


class FundLedgerEntry(models.Model):
    """What a loan's default cost a quarter's liability fund, and what came back later. The
    fund's capital is its contributions less its write-offs plus its recoveries (registered
    with `quarters.registry`), so its lending capacity falls by the leverage factor times the
    loss."""

    class Kind(models.TextChoices):
        WRITE_OFF = "write_off", _("Write-off of a defaulted loan")
        RECOVERY = "recovery", _("Recovery of a written-off loan")

    fund = models.ForeignKey(
        "quarters.LiabilityFund",
        verbose_name=_("fund"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    quarter = models.ForeignKey(
        "quarters.Quarter", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="+"
    )
    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="fund_entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    booked_on = models.DateField(_("booked on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("fund ledger entry")
        verbose_name_plural = _("fund ledger entries")
        ordering = ["booked_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="fund_entry_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} EUR"
