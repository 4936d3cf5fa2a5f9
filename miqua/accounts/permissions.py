import rules

from .predicates import is_administrator, is_network_staff

# Back-office pages about people: never for advisors, committee members or municipalities.
rules.add_perm("accounts.view_user_list", is_network_staff)
rules.add_perm("accounts.invite_user", is_network_staff)

# Django admin: user accounts are the administrator's (superusers pass every check anyway).
rules.add_perm("accounts", is_administrator)
# The audit trail is read-only everywhere, the admin included.
rules.add_perm("audit", is_network_staff)
rules.add_perm("audit.view_auditentry", is_network_staff)
