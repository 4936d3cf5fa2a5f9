"""Who may do what with applications. Each rule is registered with `add_rule`, which adds the
quarter check: an application of a quarter the user may not see is refused even outside a
scope (a task, a command, the admin)."""

import rules

from miqua.accounts.predicates import add_rule, has_role_in, is_advisor, is_network_staff

from .models import Application
from .workflow import OPEN_STATES, TRANSITIONS

S = Application.Status


@rules.predicate
def is_draft(user: object, application: object) -> bool:
    return isinstance(application, Application) and application.status == S.DRAFT


@rules.predicate
def is_being_prepared(user: object, application: object) -> bool:
    return isinstance(application, Application) and application.status in (S.SUBMITTED, S.PREPARED)


@rules.predicate
def is_open(user: object, application: object) -> bool:
    return isinstance(application, Application) and application.status in OPEN_STATES


# Who else may read an application's decision template and documents. Apps above credits
# register a predicate (user, application) in their AppConfig.ready(), so credits never
# imports them; committees: a member reads the cases put before their committee.
_extra_readers: list[rules.Predicate] = []


def register_application_reader(predicate: rules.Predicate) -> None:
    if predicate not in _extra_readers:
        _extra_readers.append(predicate)


@rules.predicate
def is_extra_reader(user: object, application: object) -> bool:
    return isinstance(application, Application) and any(
        reader.test(user, application) for reader in _extra_readers
    )


# Applications hold personal data: advisors (of their quarters) and the back office. Readers
# registered by apps above (committee members: the cases before their committee) see the
# decision template and the documents; municipality viewers never.
add_rule("credits.view_application", is_advisor | is_network_staff)
add_rule("credits.add_application", is_advisor)  # asked with the quarter
add_rule("credits.change_application", is_advisor & is_draft)
add_rule("credits.upload_document", (is_advisor & is_draft) | (is_network_staff & is_open))
add_rule("credits.prepare_application", is_network_staff & is_being_prepared)
add_rule("credits.view_decision_template", is_advisor | is_network_staff | is_extra_reader)
add_rule("credits.view_documents", is_advisor | is_network_staff | is_extra_reader)

# One rule per step of the workflow table (`Transition.perm`): the roles of its row. Whether
# the step is possible in the application's state is the service's to say, with a message.
for transition in TRANSITIONS.values():
    add_rule(transition.perm, has_role_in(transition.roles))

# Django admin: staff configure loan products; applications and loans are read there only.
add_rule("credits", is_network_staff)
for action in ("view", "add", "change"):
    add_rule(f"credits.{action}_loanproduct", is_network_staff)

# A borrower's page: their personal data, applications and loans, for the advisors of their
# quarter and the back office. A borrower outside the quarters lies in no quarter: staff only.
add_rule("credits.view_borrower", is_advisor | is_network_staff)

# Loans: the back office keeps them; advisors follow their quarters' loans (they help when
# payments are disrupted). Committee members and municipality viewers see none. A loan outside
# the quarters lies in no quarter: only those who see every quarter (staff) pass its check.
add_rule("credits.view_loan", is_advisor | is_network_staff)
add_rule("credits.record_loan", is_network_staff)  # asked with the approved application
add_rule("credits.record_loan_outside", is_network_staff)
add_rule("credits.confirm_loan", is_network_staff)
add_rule("credits.record_payment", is_network_staff)
add_rule("credits.import_statement", is_network_staff)

# Keeping a loan in a problem case is the back office's: a new schedule proposed by one member
# of staff and decided by another (the services check that it is another), a default declared.
add_rule("credits.reschedule_loan", is_network_staff)
add_rule("credits.decide_rescheduling", is_network_staff)
add_rule("credits.declare_default", is_network_staff)
