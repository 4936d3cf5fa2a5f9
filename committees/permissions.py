import rules

from miqua.accounts.predicates import is_committee_member, is_network_staff

from . import selectors
from .models import Ballot


@rules.predicate
def sits_on_ballot_committee(user: object, ballot: Ballot | None) -> bool:
    return ballot is not None and selectors.is_member(
        user=user, committee=ballot.committee, day=selectors.ballot_day(ballot)
    )


@rules.predicate
def chairs_ballot_committee(user: object, ballot: Ballot | None) -> bool:
    return ballot is not None and selectors.is_chair(user=user, committee=ballot.committee)


rules.add_perm("committees.view_ballots", is_network_staff | is_committee_member)
rules.add_perm("committees.view_ballot", is_network_staff | sits_on_ballot_committee)
rules.add_perm("committees.manage_ballots", is_network_staff)
rules.add_perm("committees.vote", is_committee_member & sits_on_ballot_committee)
rules.add_perm("committees.close_ballot", is_network_staff | chairs_ballot_committee)
