from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the monitoring services write into the audit trail, as the pages name it.
AUDIT_ACTIONS = {
    "monthly_check.done": _("Monthly disruption check done"),
    "contact.recorded": _("Contact with the borrower recorded"),
    "monthly_check.mailed": _("Monthly check mailed to the advisors and staff"),
    "quality_measure.recorded": _("Quality measure recorded"),
    "quality_measure.closed": _("Quality measure closed"),
    "check_settings.changed": _("Settings of the monthly check changed"),
}


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from miqua.audit import registry as audit_registry

        from . import permissions  # noqa: F401  (registers the rules)

        audit_registry.register_action_labels(AUDIT_ACTIONS)
        from credits.extensions import register_loan_panel

        from . import contact_ready  # noqa: F401  (contact log: loan panel)
        from .history_panel import HISTORY_PANEL

        register_loan_panel(HISTORY_PANEL)
        # What it holds about a borrower, for the GDPR duties (miqua.personal_data).
        from miqua.personal_data import register_personal_data

        from .personal_data import HOLDINGS as PERSONAL_DATA

        register_personal_data(holdings=PERSONAL_DATA)
