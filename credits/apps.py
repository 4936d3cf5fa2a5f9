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
    # Keeping a loan (credits.servicing)
    "loan.repaid": _("Loan repaid and closed"),
    "loan.rescheduling_proposed": _("New repayment schedule proposed"),
    "loan.rescheduling_approved": _("New repayment schedule approved (second person)"),
    "loan.rescheduling_refused": _("New repayment schedule refused"),
    "loan.repaid_early": _("Loan repaid early"),
    "loan.defaulted": _("Loan declared defaulted"),
    "loan.recovery_recorded": _("Payment after the default recorded"),
    "fund.written_off": _("Loss written off against the fund"),
    "fund.loss_carried_by_microfinancier": _(
        "Loss carried by the microfinancier (loan outside the quarters)"
    ),
    # Bank statements (credits.banking)
    "statement.imported": _("Bank statement imported"),
    "bank_entry.assigned": _("Bank statement entry booked to the loan by hand"),
    "bank_entry.not_repayment": _("Bank statement entry marked as not a repayment"),
}


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = _("Credit applications and loans")

    def ready(self) -> None:
        from miqua.audit import registry as audit_registry
        from miqua.personal_data import register_personal_data
        from quarters import registry

        from . import permissions  # noqa: F401  (registers the rules)
        from .extensions import register_loan_panel
        from .fund_selectors import fund_capital_adjustments
        from .loan_selectors import fund_exposure_by_quarter
        from .models import Application, Loan
        from .personal_data import HOLDINGS, PERSON, RULES
        from .views.servicing import SCHEDULE_VERSIONS_PANEL

        # The fund's exposure is the loans' business: the network adds it up through this.
        registry.register_exposure_source(fund_exposure_by_quarter)
        # Its capital too: contributions less what defaults cost it, plus what came back.
        registry.register_capital_source(fund_capital_adjustments)
        register_loan_panel(SCHEDULE_VERSIONS_PANEL)
        audit_registry.register_action_labels(AUDIT_ACTIONS)
        audit_registry.register_value_choices([Application.Status, Loan.Status])
        # What it holds about a borrower, for the GDPR duties (miqua.personal_data).
        register_personal_data(person=PERSON, holdings=HOLDINGS, rules=RULES)
