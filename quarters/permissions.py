import rules

from miqua.accounts.predicates import is_advisor, is_municipality_viewer, is_network_staff

# Pages of a quarter (scoping has already ruled out foreign quarters).
rules.add_perm("quarters.view_quarter_page", is_network_staff | is_advisor | is_municipality_viewer)
rules.add_perm("quarters.record_contribution", is_network_staff)
rules.add_perm("quarters.view_audit_trail", is_network_staff)

# Django admin for the back office: the network's structure. Contributions are recorded on the
# quarter page through the service, so the admin only shows them.
rules.add_perm("quarters", is_network_staff)
for model in ("municipality", "quarter", "organisation", "liabilityfund"):
    for action in ("view", "add", "change"):
        rules.add_perm(f"quarters.{action}_{model}", is_network_staff)
rules.add_perm("quarters.view_fundcontribution", is_network_staff)

rules.add_perm("committees", is_network_staff)
for model in ("committee", "committeemembership"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"committees.{action}_{model}", is_network_staff)
