"""The small-number rule of the municipality's figures (monitoring/suppression.py)."""

from decimal import Decimal

import pytest
from django.utils import translation

from monitoring.suppression import (
    Figure,
    Kind,
    State,
    apply_states,
    count,
    derived,
    protect_parts,
    rate,
)

SMALL, HIDDEN, EXACT = State.SMALL, State.HIDDEN, State.EXACT


@pytest.mark.parametrize(
    ("people", "shown"), [(0, "0"), (1, "< 3"), (2, "< 3"), (3, "3"), (1234, "1.234")]
)
def test_a_count_of_one_or_two_people_is_shown_as_fewer_than_three(people, shown):
    with translation.override("de"):
        assert str(count(people)) == shown
    assert count(people).api_value == (people if shown != "< 3" else "< 3")


def test_a_sum_of_money_of_one_or_two_loans_is_suppressed_and_of_three_shown():
    with translation.override("de"):
        assert str(derived(Decimal("7000.00"), people=2, kind=Kind.EUR)) == "< 3"
        assert str(derived(Decimal("9000.00"), people=3, kind=Kind.EUR)) == "9.000,00\u00a0€"
    assert derived(Decimal("7000.00"), people=1, kind=Kind.EUR).value is None


def test_a_rate_is_suppressed_when_its_numerator_or_denominator_counts_one_or_two():
    assert rate(1, 30).state == SMALL
    assert rate(3, 2).state == SMALL
    assert rate(0, 2).state == SMALL  # 0 of 2: the two are described all the same
    assert rate(0, 30).value == Decimal("0.0")
    assert rate(3, 30).value == Decimal("10.0")
    with translation.override("de"):
        assert str(rate(4, 30)) == "13,3\u00a0%"


def test_one_small_part_hides_the_next_smallest_so_the_total_gives_nothing_away():
    # 7 = 5 + 2: shown as "x", "< 3", 7, never 5, "< 3", 7 (7 - 5 = 2).
    assert protect_parts([5, 2], 7) == ([HIDDEN, SMALL], EXACT)
    # The smallest part other than 0 is hidden (a hidden 0 would still give the 2 away).
    assert protect_parts([9, 0, 4, 1], 14) == ([EXACT, EXACT, HIDDEN, SMALL], EXACT)


def test_small_parts_that_add_up_one_way_only_hide_another():
    # Two small parts making 2 are 1 and 1; making 4, 2 and 2; making 3 they could be 1 + 2.
    assert protect_parts([1, 1, 6], 8) == ([SMALL, SMALL, HIDDEN], EXACT)
    assert protect_parts([2, 2, 6], 10) == ([SMALL, SMALL, HIDDEN], EXACT)
    assert protect_parts([1, 2, 6], 9) == ([SMALL, SMALL, EXACT], EXACT)


def test_without_a_part_to_hide_the_total_is_hidden():
    assert protect_parts([2, 2], 4) == ([SMALL, SMALL], HIDDEN)
    assert protect_parts([1, 1, 1, 0], 3) == ([SMALL, SMALL, SMALL, EXACT], HIDDEN)


def test_nothing_small_hides_nothing_and_a_small_total_is_small():
    assert protect_parts([3, 0, 4], 7) == ([EXACT, EXACT, EXACT], EXACT)
    assert protect_parts([1, 0], 1) == ([SMALL, EXACT], SMALL)


def test_no_shown_figures_let_a_small_part_be_worked_out():
    """Whatever the parts, the total less the parts shown never leaves a single small part."""
    for parts in ([5, 2], [1, 1, 6], [3, 1, 0, 7], [2, 2, 6], [4, 4, 1], [1, 2, 6]):
        states, total_state = protect_parts(parts, sum(parts))
        if total_state != EXACT:
            continue
        unknown = [p for p, s in zip(parts, states, strict=True) if s != EXACT]
        assert len(unknown) != 1, parts
        # Several unknown parts, all small, may not add up in one way only.
        if unknown and all(p < 3 for p in unknown):
            assert sum(unknown) not in (len(unknown), 2 * len(unknown)), parts


def test_derived_figures_are_hidden_as_their_counts_are():
    figures = [Figure(Decimal("100.00"), EXACT, Kind.EUR) for _ in range(3)]
    hidden = apply_states(figures, [HIDDEN, SMALL, EXACT])
    assert [str(f) for f in hidden[:2]] == ["x", "< 3"]
    assert [f.api_value for f in hidden] == [None, "< 3", "100.00"]
