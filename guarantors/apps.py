from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the guarantor services write into the audit trail, as the pages name it.
AUDIT_ACTIONS = {
    "guarantor.created": _("Guarantor recorded"),
    "guarantee.added": _("Guarantor added"),
    "guarantee.removed": _("Guarantor removed"),
}


class GuarantorsConfig(AppConfig):
    name = "guarantors"
    verbose_name = _("Guarantors")

    def ready(self) -> None:
        from miqua.audit import registry as audit_registry

        audit_registry.register_action_labels(AUDIT_ACTIONS)
