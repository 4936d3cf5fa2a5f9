"""Guarantors (Bürgen): people who vouch for a borrower with part of the loan amount.

A guarantor belongs to a quarter and can stand for several applications; each guarantee links
one guarantor to one application with the amount guaranteed.
"""

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
