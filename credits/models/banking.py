"""Bank statements of the microfinancier's repayment account and their entries.

A statement belongs to the back office, not to a quarter: staff import it and work its review
queue. Each entry is kept once, under a key the bank gives it (or, where the bank gives none,
one derived from its content), so importing the same or an overlapping statement again books
nothing twice. Written by `credits.banking` only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import MONEY
from .loans import Loan


class BankStatement(models.Model):
    class Format(models.TextChoices):
        CAMT053_02 = "camt.053.001.02", "CAMT.053.001.02"
        CAMT053_08 = "camt.053.001.08", "CAMT.053.001.08"
        CSV = "csv", _("CSV export of the bank")

    file_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    sha256 = models.CharField(_("checksum"), max_length=64, db_index=True)
    account_iban = models.CharField(_("account"), max_length=34, blank=True)
    statement_id = models.CharField(_("statement"), max_length=35, blank=True)
    period_from = models.DateField(_("from"), null=True, blank=True)
    period_to = models.DateField(_("to"), null=True, blank=True)
    entry_count = models.PositiveIntegerField(_("entries in the file"), default=0)
    new_count = models.PositiveIntegerField(_("new entries"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class BankEntry(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked as a repayment")
        REVIEW = "review", _("Awaiting review")
        NOT_REPAYMENT = "not_repayment", _("Not a repayment")
        DEBIT = "debit", _("Debit (not a repayment)")

    class MatchedBy(models.TextChoices):
        CONTRACT = "contract", _("Contract number in the remittance text")
        REFERENCE = "reference", _("Reference in the remittance text")
        IBAN = "iban", _("Payer's IBAN")
        HAND = "hand", _("Assigned by hand")

    statement = models.ForeignKey(
        BankStatement,
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    entry_key = models.CharField(_("entry key"), max_length=128, unique=True)
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"))
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    is_credit = models.BooleanField(_("credit"))
    counterparty_name = models.CharField(_("payer / payee"), max_length=140, blank=True)
    counterparty_iban = models.CharField(_("IBAN of payer / payee"), max_length=34, blank=True)
    remittance = models.CharField(_("remittance text"), max_length=500, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=128, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, db_index=True)
    loan = models.ForeignKey(
        Loan,
        verbose_name=_("loan"),
        on_delete=models.PROTECT,
        related_name="bank_entries",
        null=True,
        blank=True,
    )
    matched_by = models.CharField(
        _("matched by"), max_length=16, choices=MatchedBy.choices, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("bank statement entry")
        verbose_name_plural = _("bank statement entries")
        ordering = ["booking_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="bank_entry_amount_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="booked") | models.Q(loan__isnull=False),
                name="bank_entry_booked_has_loan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date:%d.%m.%Y} {self.amount} EUR {self.counterparty_name}"
