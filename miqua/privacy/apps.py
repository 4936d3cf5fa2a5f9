from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "privacy.access_given": _("Information under Art. 15 given"),
    "privacy.erased": _("Personal data erased (Art. 17 GDPR)"),
}


class PrivacyConfig(AppConfig):
    """The GDPR duties towards borrowers and guarantors: the information under Art. 15 and the
    erasure under Art. 17. It stands on top of every domain app and reads what they hold
    through `miqua.personal_data`, which each of them fills in its own `ready()`."""

    name = "miqua.privacy"
    label = "privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from credits.extensions import register_borrower_panel
        from guarantors.extensions import register_guarantor_panel
        from miqua.audit import registry as audit_registry

        from . import permissions  # noqa: F401  (registers the rules)
        from .views import BORROWER_PANEL, GUARANTOR_PANEL

        audit_registry.register_action_labels(AUDIT_ACTIONS)
        register_borrower_panel(BORROWER_PANEL)
        register_guarantor_panel(GUARANTOR_PANEL)
