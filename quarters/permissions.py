"""The rules of the network's pages and its Django admin. Each rule is registered with
`add_rule`, which adds the quarter check: a foreign quarter is refused even outside a scope."""

from miqua.accounts.predicates import (
    add_rule,
    is_advisor,
    is_municipality_viewer,
    is_network_staff,
)

add_rule("quarters.view_quarter_page", is_network_staff | is_advisor | is_municipality_viewer)
add_rule("quarters.record_contribution", is_network_staff)
add_rule("quarters.view_audit_trail", is_network_staff)

# Django admin for the back office: the network's structure. Contributions are recorded on the
# quarter page through the service, so the admin only shows them.
add_rule("quarters", is_network_staff)
for model in ("municipality", "quarter", "organisation", "liabilityfund"):
    for action in ("view", "add", "change"):
        add_rule(f"quarters.{action}_{model}", is_network_staff)
add_rule("quarters.view_fundcontribution", is_network_staff)
