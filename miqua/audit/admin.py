from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .changes import deleted_with, form_changes, formset_changes, object_fields
from .models import AuditEntry
from .services import Record, audit_record, audit_records
from .templatetags.audit import audit_summary


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin changes to reference data (municipalities, quarters, organisations, committees,
    users) leave an audit entry saying what changed, as a service would: the fields old → new,
    the rows of the inlines added, changed and removed, and every deletion with what it took
    along (see `changes` for the form kept)."""

    def audit_quarter_id(self, obj: models.Model) -> int | None:
        return getattr(obj, "quarter_id", None)

    def audit_deleted_quarter_id(self, obj: models.Model) -> int | None:
        """The quarter of a deletion's entry (a deleted quarter cannot be its own entry's)."""
        return self.audit_quarter_id(obj)

    def audit_extra_changes(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> dict[str, Any]:
        """Further changes in words, for the admins of models with more than fields."""
        return {}

    @transaction.atomic
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the many-to-many fields and the inlines are saved (Django calls this right
        # after save_model, in the view's transaction): one entry for the whole page.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        changes: dict[str, Any] = {}
        fields = form_changes(form, added=not change)
        rows = [row for formset in formsets for row in formset_changes(formset)]
        if fields:
            changes["fields"] = fields
        if rows:
            changes["rows"] = rows
        changes.update(self.audit_extra_changes(request, obj, form, change))
        if change and not changes:
            return  # saved without a change: nothing happened
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="admin.changed" if change else "admin.added",
            obj=obj,
            quarter_id=self.audit_quarter_id(obj),
            changes=changes,
        )

    def _deletion(self, obj: models.Model) -> Record:
        return Record.of(
            obj,
            action="admin.deleted",
            quarter_id=self.audit_deleted_quarter_id(obj),
            changes={"fields": object_fields(obj), **deleted_with(obj)},
        )

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        # Written before the deletion, while the object and what it takes along still exist.
        audit_records(actor=request.user, records=[self._deletion(obj)])  # type: ignore[arg-type]
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """The list's "delete selected" action: one entry per object deleted."""
        records = [self._deletion(obj) for obj in queryset]
        audit_records(actor=request.user, records=records)  # type: ignore[arg-type]
        super().delete_queryset(request, queryset)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """For records written only by services: the admin shows them and changes nothing, and
    offers no actions (no "delete selected")."""

    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """The trail is evidence: nobody adds, edits or deletes entries, not even an administrator
    (and on PostgreSQL the database refuses it too)."""

    list_display = ["created_at", "actor", "action_label", "object_repr", "summary", "quarter"]
    list_filter = ["action", "quarter"]
    search_fields = ["object_repr", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "quarter__municipality"]
    fields = [
        "created_at",
        "actor",
        "action_label",
        "quarter",
        "object_type",
        "object_id",
        "object_repr",
        "summary",
        "changes",
        "previous_hash",
        "entry_hash",
    ]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, entry: AuditEntry) -> str:
        return entry.action_label

    @admin.display(description=_("what changed"))
    def summary(self, entry: AuditEntry) -> str:
        return audit_summary(entry)
