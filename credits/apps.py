from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the credits services write into the audit trail, as the pages name it.
AUDIT_ACTIONS = {
    "borrower.created": _("Borrower recorded"),
    "borrower.changed": _("Borrower's details changed"),
    "application.created": _("Application started"),
    "application.changed": _("Application changed"),
    "application.template_written": _("Decision template written"),
    "application.status_changed": _("Status changed"),
    "document.uploaded": _("Document uploaded"),
    "fund.capacity_reserved": _("Lending capacity reserved"),
    "fund.capacity_released": _("Lending capacity released"),
    "fund.reservation_paid_out": _("Reservation turned into the paid-out loan"),
    "loan.recorded": _("Payout recorded"),
    "loan.confirmed": _("Payout confirmed (second person)"),
    "loan.recording_refused": _("Recorded payout refused"),
    "payment.recorded": _("Payment recorded by hand"),
}


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = _("Credit applications and loans")

    def ready(self) -> None:
        from miqua.audit import registry as audit_registry
        from quarters import registry

        from . import permissions  # noqa: F401  (registers the rules)
        from .loan_selectors import fund_exposure_by_quarter
        from .models import Application, Loan

        # The fund's exposure is the loans' business: the network adds it up through this.
        registry.register_exposure_source(fund_exposure_by_quarter)
        audit_registry.register_action_labels(AUDIT_ACTIONS)
        audit_registry.register_value_choices([Application.Status, Loan.Status])
