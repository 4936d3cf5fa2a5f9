"""Credit applications: the products lent on, borrowers, applications and their documents,
and the capacity an approval holds.

An application belongs to a quarter (the tenant) and to a borrower of that quarter; it moves
through the states of `Application.Status` only by `credits.workflow` (see there for who may
make which transition).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from miqua.people import PersonDetails

MONEY = {"max_digits": 12, "decimal_places": 2}


class LoanProduct(models.Model):
    """The terms a quarter lends on. One active product for the whole network, and optionally
    one per quarter that replaces it there."""

    name = models.CharField(_("name"), max_length=120)
    quarter = models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="loan_products",
        null=True,
        blank=True,
        help_text=_("Empty: the product of the whole network."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    min_amount = models.DecimalField(_("minimum amount"), default=Decimal("500.00"), **MONEY)
    first_loan_max = models.DecimalField(
        _("maximum of a first loan"), default=Decimal("10000.00"), **MONEY
    )
    second_loan_max = models.DecimalField(
        _("maximum of a second loan"), default=Decimal("15000.00"), **MONEY
    )
    max_amount = models.DecimalField(
        _("maximum amount (third and later loans)"), default=Decimal("20000.00"), **MONEY
    )
    max_term_months = models.PositiveSmallIntegerField(_("maximum term (months)"), default=36)
    interest_rate = models.DecimalField(
        _("nominal interest rate p.a. (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("8.56"),
    )
    instalment_day = models.PositiveSmallIntegerField(
        _("instalment day"),
        default=30,
        help_text=_("Day of the month the instalment is due; in shorter months the last day."),
    )
    guarantee_share = models.DecimalField(
        _("required guarantee share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        help_text=_("The guarantors together must cover at least this share of the amount."),
    )
    min_guarantors = models.PositiveSmallIntegerField(_("minimum number of guarantors"), default=2)

    class Meta:
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        ordering = ["quarter__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_amount__gt=0)
                & models.Q(first_loan_max__gte=models.F("min_amount"))
                & models.Q(second_loan_max__gte=models.F("first_loan_max"))
                & models.Q(max_amount__gte=models.F("second_loan_max")),
                name="product_amount_steps_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(instalment_day__gte=1, instalment_day__lte=31),
                name="product_instalment_day_in_month",
            ),
            models.CheckConstraint(
                condition=models.Q(guarantee_share__gte=0, guarantee_share__lte=100),
                name="product_guarantee_share_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(interest_rate__gte=0), name="product_interest_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(max_term_months__gte=1), name="product_term_positive"
            ),
            models.UniqueConstraint(
                fields=["quarter"],
                condition=models.Q(is_active=True, quarter__isnull=False),
                name="product_one_active_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True, quarter__isnull=True),
                name="product_one_active_for_network",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def max_amount_for_cycle(self, cycle: int) -> Decimal:
        """Step limits: a first loan up to `first_loan_max`, a second up to `second_loan_max`,
        every later one up to `max_amount`."""
        if cycle <= 1:
            return self.first_loan_max
        if cycle == 2:
            return self.second_loan_max
        return self.max_amount


class Borrower(PersonDetails):
    """A self-employed person of a quarter who applies for a loan, perhaps again and again.

    Without a quarter: a borrower outside the quarters, lent to by the microfinancier alone
    (no local fund, no advisor of a quarter): seen by staff only, as the scope has it."""

    class BankRelationship(models.TextChoices):
        NONE = "none", _("No bank account")
        ACCOUNT = "account", _("Current account only")
        CREDIT = "credit", _("Account and earlier bank credit")

    quarter = models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty: outside the quarters."),
    )
    # Required when recorded (the forms and the API ask for it); empty only once the person's
    # data was erased (Art. 17 GDPR, miqua.personal_data).
    date_of_birth = models.DateField(_("date of birth"), null=True)
    languages = models.CharField(
        _("languages spoken"), max_length=200, blank=True, help_text=_("e.g. Deutsch, Türkisch")
    )
    receives_sgb2 = models.BooleanField(
        _("receives Jobcenter benefits (SGB II)"), null=True, blank=True
    )
    bank_relationship = models.CharField(
        _("existing bank relationship"),
        max_length=16,
        choices=BankRelationship.choices,
        blank=True,
    )

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["quarter", "last_name", "date_of_birth"])]


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PREPARED = "prepared", _("Prepared")
        BEFORE_COMMITTEE = "before_committee", _("Before the committee")
        APPROVED = "approved", _("Approved")
        APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("Approved with conditions")
        REJECTED = "rejected", _("Rejected")
        DEFERRED = "deferred", _("Deferred")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        LAPSED = "lapsed", _("Approval lapsed")

    class Outcome(models.TextChoices):
        """Why a loan became unnecessary: counted as results of the advice."""

        GUARANTOR_LENT = "guarantor_lent", _("A guarantor lent the money privately")
        ADVICE_LOWERED_NEED = "advice_lowered_need", _("Advice lowered the capital need")
        BANK_FINANCED = "bank_financed", _("A bank financed")
        JOBCENTER_FINANCED = "jobcenter_financed", _("The Jobcenter financed")
        OTHER = "other", _("Other")

    class Stage(models.TextChoices):
        STARTUP = "startup", _("Start-up")
        EXISTING = "existing", _("Existing business")

    class Level(models.TextChoices):
        HIGH = "high", _("high")
        LOW = "low", _("low")

    class Handicap(models.TextChoices):
        LITTLE = "little", _("little")
        LARGE = "large", _("large")

    quarter = models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="applications"
    )
    product = models.ForeignKey(
        LoanProduct, verbose_name=_("loan product"), on_delete=models.PROTECT, related_name="+"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    # The business
    business_name = models.CharField(_("name of the business"), max_length=160, blank=True)
    trade = models.CharField(_("trade"), max_length=120, blank=True)
    stage = models.CharField(
        _("start-up or existing"), max_length=16, choices=Stage.choices, blank=True
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    jobs_now = models.PositiveSmallIntegerField(_("jobs now"), null=True, blank=True)
    jobs_planned = models.PositiveSmallIntegerField(_("jobs planned"), null=True, blank=True)

    # The request. Free texts have limits (miqua/text.py): shown in the forms, checked by the
    # services, and they keep the decision template's PDF quick to render.
    amount = models.DecimalField(_("amount (EUR)"), null=True, blank=True, **MONEY)
    purpose = models.TextField(_("purpose"), blank=True, max_length=2000)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    grace_months = models.PositiveSmallIntegerField(_("grace months"), default=0)

    # The advisor's assessment
    improves_situation = models.TextField(
        _("Does the loan improve the borrower's personal and economic situation?"),
        blank=True,
        max_length=4000,
    )
    can_repay = models.TextField(_("Can and will the borrower repay?"), blank=True, max_length=4000)
    potential = models.CharField(_("potential"), max_length=8, choices=Level.choices, blank=True)
    handicap = models.CharField(
        _("socio-cultural handicap"), max_length=8, choices=Handicap.choices, blank=True
    )
    monthly_income = models.DecimalField(_("monthly income (EUR)"), null=True, blank=True, **MONEY)
    monthly_costs = models.DecimalField(_("monthly costs (EUR)"), null=True, blank=True, **MONEY)
    repayable_if_closed = models.BooleanField(
        _("could be repaid even if the business closed"), null=True, blank=True
    )
    repayable_if_closed_note = models.TextField(
        _("how, if the business closed"), blank=True, max_length=2000
    )

    # The decision template, written by the microfinancier's staff
    staff_assessment = models.TextField(
        _("assessment of the microfinancier"), blank=True, max_length=10000
    )
    recommendation = models.TextField(
        _("recommendation to the committee"), blank=True, max_length=4000
    )
    # Written by the committee (its members' conditions, each at most 4,000 characters, joined)
    # or by staff; only staff's text is checked against the limit.
    conditions = models.TextField(_("conditions"), blank=True, max_length=4000)

    # Withdrawn: what made the loan unnecessary
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True, max_length=4000)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("credit application")
        verbose_name_plural = _("credit applications")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["quarter", "status", "-updated_at"]),
            # The back office's list across the quarters, newest first: a page is read off the
            # index instead of sorting every application.
            models.Index(fields=["-updated_at", "-id"], name="application_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="application_amount_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(status="withdrawn") | models.Q(outcome=""),
                name="application_outcome_only_when_withdrawn",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(outcome=""),
                name="application_withdrawn_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.borrower}"

    @property
    def reference(self) -> str:
        """A short number people can say on the phone: MQ-000042."""
        return f"MQ-{self.pk:06d}" if self.pk else "MQ-neu"

    @property
    def free_cash_flow(self) -> Decimal | None:
        if self.monthly_income is None or self.monthly_costs is None:
            return None
        return self.monthly_income - self.monthly_costs


class ApplicationTransition(models.Model):
    """One step of an application through its workflow: shown on its page, never edited."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    quarter = models.ForeignKey(
        "quarters.Quarter", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=32, choices=Application.Status.choices)
    to_status = models.CharField(_("to"), max_length=32, choices=Application.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


def document_path(instance: "ApplicationDocument", filename: str) -> str:
    # Per quarter, with a random name: the original name is kept in the database only.
    import uuid
    from pathlib import Path

    suffix = Path(filename).suffix.lower()
    return (
        f"applications/q{instance.quarter_id}/{instance.application_id}/{uuid.uuid4().hex}{suffix}"
    )


class ApplicationDocument(models.Model):
    """An upload (PDF, JPEG, PNG). Stored outside the static tree and served only through the
    application's own download view, to those who may see the application."""

    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Identity document")
        BUSINESS_PLAN = "business_plan", _("Business plan")
        BANK_STATEMENT = "bank_statement", _("Bank statement")
        INCOME = "income", _("Proof of income")
        OTHER = "other", _("Other")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    quarter = models.ForeignKey(
        "quarters.Quarter", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class CapacityReservation(models.Model):
    """An approved loan not yet paid out holds this much of its quarter's lending capacity.

    Written only by `credits.services.capacity_reserve`, which locks the fund row, so two
    approvals at the same moment can never together exceed the capacity. Released (not
    deleted) when the approval is withdrawn, lapses or is revoked. It lives with the loans
    because the fund's exposure (running loans plus open reservations) is the loans' business;
    the fund learns of it through `quarters.registry`.
    """

    fund = models.ForeignKey(
        "quarters.LiabilityFund",
        verbose_name=_("fund"),
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    quarter = models.ForeignKey(
        "quarters.Quarter", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    reserved_at = models.DateTimeField(_("reserved at"), auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("capacity reservation")
        verbose_name_plural = _("capacity reservations")
        ordering = ["-reserved_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="reservation_amount_positive"
            ),
            # At most one active reservation per application.
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(released_at__isnull=True),
                name="reservation_one_active_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.amount} EUR"
