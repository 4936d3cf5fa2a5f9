"""What the committees hold about a borrower: the cases of their applications on ballots and
the members' votes on them, whose conditions and comments speak of the person
(`miqua.personal_data`). The results, counts and choices stay: the minutes' figures with them.
"""

from collections.abc import Sequence

from miqua.personal_data import BORROWER, ERASED_TEXT, Holding, blank

from .models import BallotCase, Vote


def _erase_votes(ids: Sequence[int]) -> int:
    # A vote "yes, with conditions" must name them (a constraint): written conditions are
    # replaced by a word that says they were erased, not left empty.
    votes = Vote.objects.filter(case__application__borrower_id__in=ids)
    return blank(votes.exclude(conditions=""), conditions=ERASED_TEXT) + blank(votes, comment="")


HOLDINGS = [
    Holding(
        BORROWER, "committees.cases", BallotCase, "application__borrower_id", {"conditions": ""}
    ),
    Holding(
        BORROWER, "committees.votes", Vote, "case__application__borrower_id", eraser=_erase_votes
    ),
]
