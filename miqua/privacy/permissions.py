"""Who may fulfil the GDPR duties (django-rules, with the quarter check of `add_rule`)."""

from miqua.accounts.predicates import add_rule, is_network_staff

# The information under Art. 15 is given by the back office: it holds every record of the
# person, across the quarters, and answers the person's request.
add_rule("privacy.give_access", is_network_staff)
# The record of erasures and the erasures to come.
add_rule("privacy.view_erasures", is_network_staff)
