"""The record of the erasures under Art. 17 GDPR: who (by pseudonym), when, why, and what."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from miqua import personal_data


class Erasure(models.Model):
    """One person whose personal data was erased. Written once per person by
    `privacy.services.person_erase`: the unique row is the claim, so a rerun or a second
    worker erases nobody twice. No name is kept here, the pseudonym only."""

    class Kind(models.TextChoices):
        BORROWER = personal_data.BORROWER, _("Borrower")
        GUARANTOR = personal_data.GUARANTOR, _("Guarantor")

    kind = models.CharField(_("person"), max_length=16, choices=Kind.choices)
    person_id = models.PositiveIntegerField(_("record of the person"))
    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    quarter = models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty: outside the quarters."),
    )
    # The retention rule that let the person go last (`miqua.personal_data.RetentionRule`).
    reason = models.CharField(_("reason"), max_length=64)
    due_on = models.DateField(_("due on"))
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True, db_index=True)
    # Rows changed per holding ("credits.applications": 2), documents deleted included.
    erased = models.JSONField(_("erased"), default=dict, blank=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "person_id"], name="erasure_once_per_person")
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def reason_label(self) -> str:
        return personal_data.rule_label(self.kind, self.reason)

    @property
    def erased_rows(self) -> list[tuple[str, int]]:
        """(what, how many rows), in the words of the page."""
        return [
            (personal_data.holding_label(self.kind, name), count)
            for name, count in self.erased.items()
        ]
