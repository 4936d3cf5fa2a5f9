"""Guarantors (Bürgen): people who vouch for a borrower with part of the loan amount.

A guarantor belongs to a quarter and can stand for several applications; each guarantee links
one guarantor to one application with the amount guaranteed.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from miqua.people import PersonDetails


class Guarantor(PersonDetails):
    quarter = models.ForeignKey(
        "quarters.Quarter", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="+"
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("guarantor")
        verbose_name_plural = _("guarantors")
        ordering = ["last_name", "first_name"]


class Guarantee(models.Model):
    application = models.ForeignKey(
        "credits.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="guarantees",
    )
    guarantor = models.ForeignKey(
        Guarantor, verbose_name=_("guarantor"), on_delete=models.PROTECT, related_name="guarantees"
    )
    # The application's quarter, repeated so that the scope filters without a join.
    quarter = models.ForeignKey(
        "quarters.Quarter", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="+"
    )
    relation = models.CharField(
        _("relation to the borrower"), max_length=80, help_text=_("e.g. brother, neighbour")
    )
    amount = models.DecimalField(_("guaranteed amount (EUR)"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("guarantee")
        verbose_name_plural = _("guarantees")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "guarantor"], name="guarantee_once_per_application"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="guarantee_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guarantor} – {self.amount} EUR"


class GuarantorClaim(models.Model):
    """What a defaulted loan's guarantor is asked to pay: a share of the remaining principal, at
    most the amount they guaranteed. Written by `guarantors.services` only.

    `amount_recovered` is the borrower's money paid after the default that reached this claim
    (after the fund got its write-off back): it lowers what the guarantor still owes, or, once
    they have paid, is owed back to them. `amount_waived` is the part the office gave up; it
    is written off against the fund."""

    class Status(models.TextChoices):
        DEMANDED = "demanded", _("Demanded")
        PARTLY_PAID = "partly_paid", _("Partly paid")
        PAID = "paid", _("Paid")
        WAIVED = "waived", _("Waived")

    guarantee = models.ForeignKey(
        Guarantee, verbose_name=_("guarantee"), on_delete=models.PROTECT, related_name="claims"
    )
    loan = models.ForeignKey(
        "credits.Loan",
        verbose_name=_("loan"),
        on_delete=models.PROTECT,
        related_name="guarantor_claims",
    )
    quarter = models.ForeignKey(
        "quarters.Quarter", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="+"
    )
    amount_demanded = models.DecimalField(_("demanded (EUR)"), max_digits=12, decimal_places=2)
    amount_paid = models.DecimalField(
        _("paid by the guarantor (EUR)"), max_digits=12, decimal_places=2, default=0
    )
    amount_recovered = models.DecimalField(
        _("covered by the borrower's later payments (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    amount_waived = models.DecimalField(
        _("waived (EUR)"), max_digits=12, decimal_places=2, default=0
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DEMANDED
    )
    demanded_on = models.DateField(_("demanded on"))
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    demanded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demanded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("last changed at"), auto_now=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("guarantor claim")
        verbose_name_plural = _("guarantor claims")
        ordering = ["demanded_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["guarantee", "loan"], name="claim_once_per_guarantee"),
            models.CheckConstraint(
                condition=models.Q(amount_demanded__gt=0), name="claim_demanded_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    amount_paid__gte=0, amount_recovered__gte=0, amount_waived__gte=0
                )
                & models.Q(
                    amount_paid__lte=models.F("amount_demanded") - models.F("amount_waived"),
                    amount_recovered__lte=models.F("amount_demanded") - models.F("amount_waived"),
                ),
                name="claim_amounts_within_demand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guarantee.guarantor} – {self.amount_demanded} EUR"

    @property
    def amount_open(self) -> Decimal:
        """What the guarantor still owes."""
        return max(
            self.amount_demanded - self.amount_paid - self.amount_recovered - self.amount_waived,
            Decimal("0.00"),
        )

    @property
    def amount_to_refund(self) -> Decimal:
        """What the guarantor paid and the borrower's later payments made good: owed back."""
        return max(
            self.amount_paid + self.amount_recovered + self.amount_waived - self.amount_demanded,
            Decimal("0.00"),
        )
