import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from . import registry

# The network's own actions; the apps above register theirs (see `registry`).
registry.register_action_labels(
    {
        "fund.contribution_recorded": _("Contribution recorded"),
        "user.invited": _("User invited"),
        "admin.added": _("Created in the administration"),
        "admin.changed": _("Changed in the administration"),
        "admin.deleted": _("Deleted in the administration"),
    }
)


class AuditEntry(models.Model):
    """Who changed what, when: written by services, shown on the object's page, never edited.

    `quarter` is set whenever the change belongs to a quarter, so that the trail is scoped like
    everything else of that quarter; network-wide changes (users, organisations) have none and
    are visible to the back office only.

    Append-only: on PostgreSQL a trigger refuses every UPDATE and DELETE of the table, and each
    entry carries the hash of its content and of the entry before it (`chain`), so that
    `manage.py verify_audit` names an entry changed or removed behind the application's back
    (by someone who could turn the trigger off, or on SQLite, which has none).
    """

    # Set before the hash is computed, so not `auto_now_add` (which sets it during the save).
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    quarter = models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    previous_hash = models.CharField(
        _("hash of the previous entry"), max_length=64, blank=True, editable=False
    )
    entry_hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-created_at"])]
        # TRUNCATE is left alone: it is not a row operation, the test runner's flush between
        # transactional tests uses it, and only the table's owner may run it.
        triggers = [
            pgtrigger.Protect(
                name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return registry.action_label(self.action)

    @property
    def is_admin_change(self) -> bool:
        """Made in the administration: the trail names the object, which a page's history of
        its own object's services does not need to."""
        return self.action.startswith("admin.")
