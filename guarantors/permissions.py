"""Who may do what with guarantees (django-rules). Each rule is registered with `add_rule`,
which adds the quarter check."""

import rules

from credits.models import Application
from credits.permissions import is_draft
from miqua.accounts.predicates import add_rule, is_advisor, is_network_staff


@rules.predicate
def may_change_application(user: object, application: Application | None) -> bool:
    """Guarantees are part of the draft: whoever may not change the application may not change
    its guarantees either. Asking the credits rule, instead of repeating it, keeps every check
    it makes (such as that the application's quarter is one the user may see) here too."""
    return application is not None and rules.has_perm(
        "credits.change_application", user, application
    )


# The quarter's advisors, while the application is a draft.
add_rule("guarantors.manage_guarantees", is_advisor & is_draft & may_change_application)

# The claims of a defaulted loan's guarantors are kept by the back office, which declares the
# default (credits.declare_default) and records what the guarantors pay.
add_rule("guarantors.manage_claims", is_network_staff)

# A guarantor's page: their personal data and what they stand for, for the advisors of their
# quarter and the back office (as a borrower's page).
add_rule("guarantors.view_guarantor", is_advisor | is_network_staff)
