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

    @property
    def result_label(self) -> str:
        return str(R(self.result).label)

    def as_reasoning(self) -> dict[str, object]:
        return asdict(self)


def quorum_needed(*, eligible: int, quorum_percent: Decimal) -> int:
    """The smallest number of members taking part that is *more than* the share."""
    share = Decimal(eligible) * quorum_percent / 100
    return int(share) + 1


@dataclass(frozen=True)
class Participation:
    """How many eligible members take part in a case and how many the quorum needs: what
    everyone may see while the ballot is open (who took part, never how)."""

    taking_part: int  # every vote but a recusal: approve (with conditions), reject, abstain
    eligible: int  # members minus recused
    needed: int

    @property
    def met(self) -> bool:
        return self.eligible > 0 and self.taking_part >= self.needed


TAKING_PART = frozenset({C.APPROVE, C.APPROVE_WITH_CONDITIONS, C.REJECT, C.ABSTAIN})


def participation(*, members: int, choices: list[str], quorum_percent: Decimal) -> Participation:
    eligible = members - choices.count(C.RECUSED)
    return Participation(
        taking_part=sum(1 for choice in choices if choice in TAKING_PART),
        eligible=eligible,
        needed=quorum_needed(eligible=eligible, quorum_percent=quorum_percent),
    )


def case_result(
    *, members: int, choices: list[str], quorum_percent: Decimal, tie_approves: bool
) -> CaseResult:
    """The defaults: quorum = more than half of the eligible members take part; a majority =
    more yes than no among the votes cast; a tie is not an approval. Approving votes with
    conditions make the result an approval with conditions."""
    counts = Counter(choices)
    taking = participation(members=members, choices=choices, quorum_percent=quorum_percent)
    yes_plain, yes_cond = counts[C.APPROVE], counts[C.APPROVE_WITH_CONDITIONS]
    yes, no, abstain = yes_plain + yes_cond, counts[C.REJECT], counts[C.ABSTAIN]
    tie = yes == no
    if not taking.met:
        result = R.NO_QUORUM
    elif yes > no or (tie and tie_approves and yes > 0):
        result = R.APPROVED_WITH_CONDITIONS if yes_cond else R.APPROVED
    else:
        result = R.REJECTED
    return CaseResult(
        result=result,
        members=members,
        recused=counts[C.RECUSED],
        eligible=taking.eligible,
        taking_part=taking.taking_part,
        yes=yes,
        yes_with_conditions=yes_cond,
        no=no,
        abstain=abstain,
        quorum_needed=taking.needed,
        quorum_met=taking.met,
        tie=tie,
    )
