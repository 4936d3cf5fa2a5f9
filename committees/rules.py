"""How a committee's rules turn the votes on a case into a result: pure, so it is easy to test
and the minutes can show exactly why."""

from collections import Counter
from dataclasses import asdict, dataclass
from decimal import Decimal

from .models import BallotCase, Vote

C = Vote.Choice
R = BallotCase.Result


@dataclass(frozen=True)
class CaseResult:
    result: str
    members: int  # members of the committee on the ballot's day
    recused: int
    eligible: int  # members minus recused: the quorum's base
    taking_part: int  # approve, approve with conditions, reject, abstain
    yes: int
    yes_with_conditions: int
    no: int
    abstain: int
    quorum_needed: int  # more than quorum_percent of eligible: at least this many
    quorum_met: bool
    tie: bool

    def as_reasoning(self) -> dict[str, object]:
        return asdict(self)


def quorum_needed(*, eligible: int, quorum_percent: Decimal) -> int:
    """The smallest number of members taking part that is *more than* the share."""
    share = Decimal(eligible) * quorum_percent / 100
    return int(share) + 1


def case_result(
    *, members: int, choices: list[str], quorum_percent: Decimal, tie_approves: bool
) -> CaseResult:
    """The defaults: quorum = more than half of the eligible members take part; a majority =
    more yes than no among the votes cast; a tie is not an approval. Approving votes with
    conditions make the result an approval with conditions."""
    counts = Counter(choices)
    recused = counts[C.RECUSED]
    eligible = members - recused
    yes_plain, yes_cond = counts[C.APPROVE], counts[C.APPROVE_WITH_CONDITIONS]
    yes, no, abstain = yes_plain + yes_cond, counts[C.REJECT], counts[C.ABSTAIN]
    taking_part = yes + no + abstain
    needed = quorum_needed(eligible=eligible, quorum_percent=quorum_percent)
    quorum_met = eligible > 0 and taking_part >= needed
    tie = yes == no
    if not quorum_met:
        result = R.NO_QUORUM
    elif yes > no or (tie and tie_approves and yes > 0):
        result = R.APPROVED_WITH_CONDITIONS if yes_cond else R.APPROVED
    else:
        result = R.REJECTED
    return CaseResult(
        result=result,
        members=members,
        recused=recused,
        eligible=eligible,
        taking_part=taking_part,
        yes=yes,
        yes_with_conditions=yes_cond,
        no=no,
        abstain=abstain,
        quorum_needed=needed,
        quorum_met=quorum_met,
        tie=tie,
    )
