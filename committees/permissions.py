"""Who may do what with ballots. Each rule is registered with `add_rule`, which adds the quarter
check: a ballot of a committee whose quarters the user may not see is refused even outside a
scope (a task, a command, the admin)."""

import rules

from credits.models import Application
from miqua.accounts.predicates import add_rule, is_committee_member, is_network_staff

from . import selectors
from .models import Ballot


@rules.predicate
def sits_on_ballot_committee(user: object, ballot: object) -> bool:
    """A member of the committee on the ballot's day: those who decide it."""
    return isinstance(ballot, Ballot) and selectors.is_member(
        user=user, committee=ballot.committee, day=selectors.ballot_day(ballot)
    )


@rules.predicate
def chairs_ballot_committee(user: object, ballot: object) -> bool:
    return isinstance(ballot, Ballot) and selectors.is_chair(user=user, committee=ballot.committee)


@rules.predicate
def is_before_their_committee(user: object, application: object) -> bool:
    return isinstance(application, Application) and selectors.open_cases_of_member_for(
        user=user, application=application
    )


# A committee member reads the decision template and the documents of the applications put
# before their committee, nothing else of the quarter (registered with credits in apps.py).
reads_case_before_their_committee = is_committee_member & is_before_their_committee

add_rule("committees.view_ballots", is_network_staff | is_committee_member)
add_rule("committees.view_ballot", is_network_staff | sits_on_ballot_committee)
add_rule("committees.manage_ballots", is_network_staff)
# A meeting held in a room: the office types in how each member voted there.
add_rule("committees.record_meeting_votes", is_network_staff)
add_rule("committees.vote", is_committee_member & sits_on_ballot_committee)
# A person closes a ballot (the deadline task closes without one: committees.services).
add_rule("committees.close_ballot", is_network_staff | chairs_ballot_committee)

# Django admin for the back office: the committees and who sits on them.
add_rule("committees", is_network_staff)
for model in ("committee", "committeemembership"):
    for action in ("view", "add", "change", "delete"):
        add_rule(f"committees.{action}_{model}", is_network_staff)
