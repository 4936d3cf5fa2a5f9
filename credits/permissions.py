import rules

from miqua.accounts.predicates import is_advisor, is_network_staff

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


# Who else may read an application's decision template and documents. Apps above credits
# register a predicate (user, application) in their AppConfig.ready(), so credits never
# imports them; committees: a member reads the cases put before their committee.
_extra_readers: list[rules.Predicate] = []


def register_application_reader(predicate: rules.Predicate) -> None:
    if predicate not in _extra_readers:
        _extra_readers.append(predicate)


@rules.predicate
def is_extra_reader(user: object, application: Application | None) -> bool:
    return application is not None and any(
        reader.test(user, application) for reader in _extra_readers
    )


# Applications hold personal data: advisors (of their quarters, by scope) and the back office.
# Readers registered by apps above (committee members: the cases before their committee) see
# the decision template and the documents; municipality viewers never.
rules.add_perm("credits.view_application", is_advisor | is_network_staff)
rules.add_perm("credits.add_application", is_advisor)
rules.add_perm("credits.change_application", is_advisor & is_draft)
rules.add_perm("credits.upload_document", (is_advisor & is_draft) | (is_network_staff & is_open))
rules.add_perm("credits.prepare_application", is_network_staff & is_being_prepared)
rules.add_perm(
    "credits.view_decision_template",
    is_advisor | is_network_staff | is_extra_reader,
)
rules.add_perm(
    "credits.view_documents",
    is_advisor | is_network_staff | is_extra_reader,
)

# Django admin: staff configure loan products; applications and loans are read there only.
rules.add_perm("credits", is_network_staff)
for action in ("view", "add", "change"):
    rules.add_perm(f"credits.{action}_loanproduct", is_network_staff)
rules.add_perm("credits.view_loan", is_network_staff)
