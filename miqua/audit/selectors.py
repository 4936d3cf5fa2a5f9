from django.db import models
from django.db.models import QuerySet

from .models import AuditEntry


def audit_trail_for(*, obj: models.Model, limit: int = 50) -> QuerySet[AuditEntry]:
    """The newest entries about one object, inside the active quarter scope."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")[:limit]


def audit_trail_for_quarter(*, quarter_id: int, limit: int = 50) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(quarter_id=quarter_id).select_related("actor")[:limit]
