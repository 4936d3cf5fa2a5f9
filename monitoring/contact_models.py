"""The contact log: every time an advisor or the back office spoke with a borrower.

The contact duty (`monitoring.contact_selectors.due_contacts`) is read from these rows: a
borrower with a running loan is heard from every month, a disrupted one every week."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

NOTE_MAX = 2000
NEXT_STEP_MAX = 200


class Contact(models.Model):
    class Channel(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        OFFICE_HOURS = "office_hours", _("Office hours")
        EVENT = "event", _("Event")

    # The borrower's quarter when recorded; empty for a borrower outside the quarters (staff's).
    quarter = models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty: outside the quarters."),
    )
    borrower = models.ForeignKey(
        "credits.Borrower",
        verbose_name=_("borrower"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    loan = models.ForeignKey(
        "credits.Loan",
        verbose_name=_("loan"),
        on_delete=models.PROTECT,
        related_name="contacts",
        null=True,
        blank=True,
    )
    contacted_on = models.DateField(_("date of the contact"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX)
    next_step = models.CharField(_("next step"), max_length=NEXT_STEP_MAX, blank=True)
    next_step_on = models.DateField(_("next step by"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-contacted_on", "-pk"]
        indexes = [
            models.Index(fields=["borrower", "-contacted_on"], name="contact_borrower_day"),
        ]

    def __str__(self) -> str:
        return f"{self.borrower} {self.contacted_on} ({self.get_channel_display()})"
