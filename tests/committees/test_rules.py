"""committees.rules.case_result: the committee's rules applied to the votes on one case.
Pure: no database."""

from decimal import Decimal

import pytest

from committees.models import BallotCase, Vote
from committees.rules import case_result, participation, quorum_needed

C = Vote.Choice
R = BallotCase.Result
HALF = Decimal("50.00")

YES, COND, NO, ABSTAIN, RECUSED = (
    C.APPROVE,
    C.APPROVE_WITH_CONDITIONS,
    C.REJECT,
    C.ABSTAIN,
    C.RECUSED,
)


def result(choices, *, members=5, quorum_percent=HALF, tie_approves=False):
    return case_result(
        members=members,
        choices=list(choices),
        quorum_percent=quorum_percent,
        tie_approves=tie_approves,
    )


@pytest.mark.parametrize(
    ("eligible", "needed"),
    [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4), (10, 6)],
)
def test_quorum_is_more_than_half_of_the_eligible_members(eligible, needed):
    assert quorum_needed(eligible=eligible, quorum_percent=HALF) == needed


@pytest.mark.parametrize(
    ("percent", "eligible", "needed"),
    [("0.00", 5, 1), ("66.67", 3, 3), ("66.67", 6, 5), ("75.00", 4, 4), ("99.99", 5, 5)],
)
def test_quorum_follows_the_committees_percentage(percent, eligible, needed):
    assert quorum_needed(eligible=eligible, quorum_percent=Decimal(percent)) == needed


def test_three_of_five_taking_part_meet_the_quorum():
    outcome = result([YES, YES, NO])

    assert outcome.quorum_met
    assert (outcome.eligible, outcome.taking_part, outcome.quorum_needed) == (5, 3, 3)
    assert outcome.result == R.APPROVED


def test_two_of_five_taking_part_miss_the_quorum_even_if_both_approve():
    outcome = result([YES, YES])

    assert not outcome.quorum_met
    assert outcome.result == R.NO_QUORUM


def test_no_votes_at_all_is_no_quorum():
    assert result([]).result == R.NO_QUORUM


def test_a_recusal_lowers_the_quorum_base():
    # Five members, one recused: four eligible, so three must take part.
    two = result([RECUSED, YES, YES])
    three = result([RECUSED, YES, YES, NO])

    assert (two.recused, two.eligible, two.quorum_needed) == (1, 4, 3)
    assert two.result == R.NO_QUORUM
    assert three.quorum_met
    assert three.result == R.APPROVED


def test_a_recused_member_counts_neither_for_the_quorum_nor_the_majority():
    outcome = result([RECUSED, RECUSED, YES, NO, NO])

    assert (outcome.eligible, outcome.taking_part, outcome.quorum_needed) == (3, 3, 2)
    assert (outcome.yes, outcome.no) == (1, 2)
    assert outcome.result == R.REJECTED


def test_all_recused_is_no_quorum():
    assert result([RECUSED] * 5).result == R.NO_QUORUM


def test_a_tie_is_not_an_approval_by_default():
    outcome = result([YES, YES, NO, NO])

    assert outcome.tie
    assert outcome.quorum_met
    assert outcome.result == R.REJECTED


def test_a_tie_approves_when_the_committee_says_so():
    outcome = result([YES, YES, NO, NO], tie_approves=True)

    assert outcome.tie
    assert outcome.result == R.APPROVED


def test_a_tie_of_abstentions_only_never_approves():
    outcome = result([ABSTAIN, ABSTAIN, ABSTAIN], tie_approves=True)

    assert outcome.quorum_met
    assert outcome.tie
    assert outcome.result == R.REJECTED


def test_abstentions_count_toward_the_quorum_but_not_the_majority():
    # One yes and two abstentions: three of five take part (a quorum only thanks to the
    # abstentions), and one yes beats no no.
    approved = result([YES, ABSTAIN, ABSTAIN])
    # Abstentions do not help either side: one yes against two no stays a rejection.
    rejected = result([YES, NO, NO, ABSTAIN, ABSTAIN])

    assert (approved.taking_part, approved.abstain, approved.quorum_met) == (3, 2, True)
    assert approved.result == R.APPROVED
    assert rejected.result == R.REJECTED


def test_one_approval_with_conditions_makes_it_an_approval_with_conditions():
    outcome = result([YES, YES, COND])

    assert (outcome.yes, outcome.yes_with_conditions) == (3, 1)
    assert outcome.result == R.APPROVED_WITH_CONDITIONS


def test_approvals_with_conditions_outvoted_are_a_rejection():
    assert result([COND, NO, NO]).result == R.REJECTED


def test_a_majority_of_no_rejects():
    assert result([YES, NO, NO, NO]).result == R.REJECTED


def test_members_absent_do_not_change_the_base():
    # Nine members, four taking part: the quorum is five of nine, so none.
    assert result([YES, YES, YES, YES], members=9).result == R.NO_QUORUM
    assert result([YES, YES, YES, YES, NO], members=9).result == R.APPROVED


def test_the_reasoning_keeps_every_figure():
    reasoning = result([RECUSED, YES, COND, NO, ABSTAIN]).as_reasoning()

    assert reasoning == {
        "result": R.APPROVED_WITH_CONDITIONS,
        "members": 5,
        "recused": 1,
        "eligible": 4,
        "taking_part": 4,
        "yes": 2,
        "yes_with_conditions": 1,
        "no": 1,
        "abstain": 1,
        "quorum_needed": 3,
        "quorum_met": True,
        "tie": False,
    }


@pytest.mark.parametrize(
    "choices",
    [[], [YES], [YES, RECUSED], [RECUSED, RECUSED], [YES, NO, ABSTAIN], [COND, COND, NO, RECUSED]],
)
def test_the_participation_shown_while_open_is_the_arithmetic_of_the_close(choices):
    """What the ballot page shows while the ballot is open (who took part, how many the quorum
    needs) is what decides the case at the close."""
    shown = participation(members=5, choices=choices, quorum_percent=HALF)
    decided = result(choices)

    assert (shown.taking_part, shown.eligible, shown.needed, shown.met) == (
        decided.taking_part,
        decided.eligible,
        decided.quorum_needed,
        decided.quorum_met,
    )
