"""The rules of the user accounts and the audit trail. Like every app's, each rule is registered
with `add_rule`, which adds the quarter check (see predicates.py)."""

from .predicates import add_rule, is_administrator, is_network_staff

# Back-office pages about people: never for advisors, committee members or municipalities.
add_rule("accounts.view_user_list", is_network_staff)
add_rule("accounts.invite_user", is_network_staff)
add_rule("accounts.invite_administrator", is_administrator)

# Django admin: user accounts are the administrator's (superusers pass every check anyway).
add_rule("accounts", is_administrator)
# The audit trail is read-only everywhere, the admin included.
add_rule("audit", is_network_staff)
add_rule("audit.view_auditentry", is_network_staff)
