import rules

from credits.models import Application
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


@rules.predicate
def is_before_their_committee(user: object, application: Application | None) -> bool:
    return application is not None and selectors.open_cases_of_member_for(
        user=user, application=application
    )


# A committee member reads the decision template and the documents of the applications put
# before their committee, nothing else of the quarter (registered with credits in apps.py).
reads_case_before_their_committee = is_committee_member & is_before_their_committee

rules.add_perm("committees.view_ballots", is_network_staff | is_committee_member)
rules.add_perm("committees.view_ballot", is_network_staff | sits_on_ballot_committee)
rules.add_perm("committees.manage_ballots", is_network_staff)
rules.add_perm("committees.vote", is_committee_member & sits_on_ballot_committee)
rules.add_perm("committees.close_ballot", is_network_staff | chairs_ballot_committee)
