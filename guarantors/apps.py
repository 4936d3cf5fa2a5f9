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
        from credits.extensions import register_application_part
        from miqua.audit import registry as audit_registry

        from . import permissions  # noqa: F401  (registers the rules)
        from .parts import GUARANTEES

        audit_registry.register_action_labels(AUDIT_ACTIONS)
        # credits does not import guarantors: it learns of the guarantees through its registry.
        register_application_part(GUARANTEES)
