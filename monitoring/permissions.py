"""Who may run the monthly check by hand (the schedule and the command run it without a user)."""

from miqua.accounts.predicates import add_rule, is_network_staff

add_rule("monitoring.run_monthly_check", is_network_staff)
