"""The network: municipalities, their quarters (the tenants), partner organisations and the
local liability fund of each quarter with its partners' contributions."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A partner of the network: fund partners, the microfinancier, the bank, the Jobcenter..."""

    class Kind(models.TextChoices):
        CITY = "city", _("City / municipality")
        SAVINGS_BANK = "savings_bank", _("Savings bank (Sparkasse)")
        CHAMBER = "chamber", _("Chamber of commerce (IHK)")
        JOBCENTER = "jobcenter", _("Jobcenter")
        HOUSING = "housing", _("Housing company")
        ECONOMIC_DEVELOPMENT = "economic_development", _("Economic development agency")
        MICROFINANCIER = "microfinancier", _("Microfinancier")
        BANK = "bank", _("Bank")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        help_text=_("Empty for organisations that work network-wide."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def may_pay_into(self, quarter: "Quarter") -> bool:
        """A partner pays into the funds of its own municipality's quarters; an organisation
        that works network-wide (no municipality: a foundation, the bank, the microfinancier)
        may pay into any fund."""
        return self.municipality_id is None or self.municipality_id == quarter.municipality_id

    @classmethod
    def partners_of(cls, quarter: "Quarter") -> "models.QuerySet[Organisation]":
        """The organisations that may pay into the quarter's fund (see `may_pay_into`)."""
        return cls.objects.filter(
            models.Q(municipality__isnull=True) | models.Q(municipality_id=quarter.municipality_id)
        )


class Quarter(models.Model):
    """A city quarter: the tenant. Its advisors, fund, applications and loans belong to it."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="quarters",
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)

    objects = ScopedManager(quarter="pk")

    class Meta:
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="quarter_name_unique_in_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality.name} – {self.name}"


class LiabilityFund(models.Model):
    """The quarter's local liability fund.

    Its figures (paid-in capital, lending capacity, exposure) are derived, never stored: see
    `quarters.selectors.fund_figures`. The row is what approvals lock to reserve capacity
    (`credits.services.capacity_reserve`).
    """

    quarter = models.OneToOneField(
        Quarter, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="fund"
    )
    name = models.CharField(_("name"), max_length=160)
    leverage_factor = models.DecimalField(
        _("leverage factor"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
        help_text=_("Lending capacity = leverage factor × paid-in liability capital."),
    )

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("liability fund")
        verbose_name_plural = _("liability funds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(leverage_factor__gt=0), name="fund_leverage_factor_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


# The first liability funds of the network were set up in 2008 (the first loans in February
# 2009); 2000 leaves room for older history while refusing typos such as 01.01.0001 or 1012.
EARLIEST_CONTRIBUTION = datetime.date(2000, 1, 1)


class FundContribution(models.Model):
    """Liability capital a partner paid into a quarter's fund."""

    fund = models.ForeignKey(
        LiabilityFund,
        verbose_name=_("fund"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="fund_contributions",
    )
    paid_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager(quarter="fund__quarter")

    class Meta:
        verbose_name = _("fund contribution")
        verbose_name_plural = _("fund contributions")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="fund_contribution_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.amount} EUR ({self.paid_on:%d.%m.%Y})"
