from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the guarantor services write into the audit trail, as the pages name it.
AUDIT_ACTIONS = {
    "guarantor.created": _("Guarantor recorded"),
    "guarantee.added": _("Guarantor added"),
    "guarantee.removed": _("Guarantor removed"),
    "claim.demanded": _("Guarantor claimed after the default"),
    "claim.paid": _("Payment of a guarantor recorded"),
    "claim.waived": _("Guarantor claim waived"),
    "claim.recovered": _("Borrower's later payment credited to a guarantor claim"),
}


class GuarantorsConfig(AppConfig):
    name = "guarantors"
    verbose_name = _("Guarantors")

    def ready(self) -> None:
        from credits.extensions import (
            register_application_part,
            register_default_handler,
            register_loan_panel,
            register_recovery_handler,
        )
        from miqua.audit import registry as audit_registry
        from miqua.personal_data import register_personal_data

        from . import permissions  # noqa: F401  (registers the rules)
        from .parts import GUARANTEES
        from .personal_data import HOLDINGS, PERSON, RULES
        from .services import claims_demand, claims_recover
        from .views import CLAIMS_PANEL

        audit_registry.register_action_labels(AUDIT_ACTIONS)
        # credits does not import guarantors: it learns of the guarantees through its registry.
        register_application_part(GUARANTEES)
        # A default claims the guarantors first; money recovered later reaches them after the
        # fund (credits.servicing says why).
        register_default_handler(claims_demand)
        register_recovery_handler(claims_recover)
        register_loan_panel(CLAIMS_PANEL)
        # What it holds about a guarantor (and a borrower), for the GDPR duties.
        register_personal_data(person=PERSON, holdings=HOLDINGS, rules=RULES)
