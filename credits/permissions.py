import rules

from miqua.accounts.predicates import is_advisor, is_committee_member, is_network_staff

from .models import Application
from .workflow import OPEN_STATES

S = Application.Status


@rules.predicate
def is_draft(user: object, application: Application | None) -> bool:
    return application is not None and application.status == S.DRAFT


@rules.predicate
def is_being_prepared(user: object, application: Application | None) -> bool:
    return application is not None and application.status in (S.SUBMITTED, S.PREPARED)


@rules.predicate
def is_open(user: object, application: Application | None) -> bool:
    return application is not None and application.status in OPEN_STATES


@rules.predicate
def is_before_their_committee(user: object, application: Application | None) -> bool:
    from committees.selectors import open_cases_of_member_for

    return application is not None and open_cases_of_member_for(user=user, application=application)


# Applications hold personal data: advisors (of their quarters, by scope) and the back office.
# Committee members see the decision template of cases before their committee (committees
# issue); municipality viewers never.
rules.add_perm("credits.view_application", is_advisor | is_network_staff)
rules.add_perm("credits.add_application", is_advisor)
rules.add_perm("credits.change_application", is_advisor & is_draft)
rules.add_perm("credits.upload_document", (is_advisor & is_draft) | (is_network_staff & is_open))
rules.add_perm("credits.prepare_application", is_network_staff & is_being_prepared)
# A committee member reads the decision template and the documents of the applications put
# before their committee, nothing else of the quarter.
rules.add_perm(
    "credits.view_decision_template",
    is_advisor | is_network_staff | (is_committee_member & is_before_their_committee),
)
rules.add_perm(
    "credits.view_documents",
    is_advisor | is_network_staff | (is_committee_member & is_before_their_committee),
)

# Django admin: staff configure loan products; applications and loans are read there only.
rules.add_perm("credits", is_network_staff)
for action in ("view", "add", "change"):
    rules.add_perm(f"credits.{action}_loanproduct", is_network_staff)
rules.add_perm("credits.view_loan", is_network_staff)
