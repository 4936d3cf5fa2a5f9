"""Award committees. Kept minimal until online voting arrives: who sits on which committee."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Committee(models.Model):
    """Decides the applications of one quarter, or of all quarters of one municipality."""

    name = models.CharField(_("name"), max_length=160, unique=True)
    quarter = models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="committees",
        null=True,
        blank=True,
    )
    municipality = models.ForeignKey(
        "quarters.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="committees",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("award committee")
        verbose_name_plural = _("award committees")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(quarter__isnull=False, municipality__isnull=True)
                    | models.Q(quarter__isnull=True, municipality__isnull=False)
                ),
                name="committee_belongs_to_quarter_or_municipality",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMembership(models.Model):
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="committee_memberships",
    )
    organisation = models.ForeignKey(
        "quarters.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="committee_memberships",
        null=True,
        blank=True,
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    starts_on = models.DateField(_("member since"))
    ends_on = models.DateField(_("member until"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee", "-is_chair", "member__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "member", "starts_on"], name="membership_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.committee}"
