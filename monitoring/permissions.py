"""Who may do what in monitoring (django-rules). Each rule is registered with `add_rule`,
which adds the quarter check."""

from miqua.accounts.predicates import add_rule, is_advisor, is_network_staff

# Running the monthly check by hand (the schedule and the command run it without a user).
add_rule("monitoring.run_monthly_check", is_network_staff)

# The advisor of the borrower's quarter, or the back office (also for loans outside the
# quarters, which no advisor sees). The quarter check lies in add_rule.
add_rule("monitoring.record_contact", is_advisor | is_network_staff)
add_rule("monitoring.view_contacts", is_advisor | is_network_staff)
# The menu entry of the worklist: advisors only, the back office's menu has no room left (its
# home page links the worklist instead).
add_rule("monitoring.view_contact_menu", is_advisor)

# The monthly checks' pages: advisors see their quarters' rates (and the network's total), the
# back office everything; only the back office records quality measures and sets the standard.
add_rule("monitoring.view_checks", is_advisor | is_network_staff)
add_rule("monitoring.record_quality_measure", is_network_staff)
add_rule("monitoring.change_check_settings", is_network_staff)

# The portfolio dashboard: the whole portfolio's figures (the loans outside the quarters and
# the microfinancier's own liability included), the back office's only.
add_rule("monitoring.view_portfolio", is_network_staff)
