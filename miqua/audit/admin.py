from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from .models import AuditEntry
from .services import audit_record


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin changes to reference data (municipalities, quarters, organisations, committees)
    leave the same audit entry as a service would."""

    def audit_quarter_id(self, obj: models.Model) -> int | None:
        return getattr(obj, "quarter_id", None)

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="admin.changed" if change else "admin.added",
            obj=obj,
            quarter_id=self.audit_quarter_id(obj),
            changes={name: form.cleaned_data.get(name) for name in form.changed_data},
        )


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """For records written only by services: the admin shows them and changes nothing."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """The trail is evidence: nobody adds, edits or deletes entries, not even an administrator."""

    list_display = ["created_at", "actor", "action", "object_repr", "quarter"]
    list_filter = ["action", "quarter"]
    search_fields = ["object_repr", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "quarter__municipality"]
