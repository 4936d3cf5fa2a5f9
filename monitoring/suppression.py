"""Small-number suppression for the figures a municipality sees (issue 11): no borrower of a
small quarter may be recognised from them.

The rule: a figure drawn from 1 or 2 people is shown as "< 3", never exactly, and so is every
figure derived from such a group (the sum lent to 1-2 borrowers, a rate whose numerator or
denominator counts 1-2 people, a trade with 1-2 borrowers). 0 is shown: nobody is described
by it. The one value type, `Figure`, carries the rule to the page, the PDF and the API, so
the three cannot differ.

Complementary disclosure: a total shown exactly next to its parts would give a suppressed part
away by subtraction (total 7 = 5 + "< 3" -> 2). `protect_parts` therefore hides a second part
(secondary suppression, shown as "x") where one suppressed part would otherwise be the total
less the parts shown, and also where several suppressed parts could only add up one way (two
parts of "< 3" making 2 must be 1 and 1). Where no part is left to hide, the total is hidden.
It guards one table's rows and its total against this arithmetic; it is no full
cell-suppression solver across tables (such as tau-argus), which these few figures of a
handful of quarters do not call for.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from miqua.money import format_eur, quantize_percent

# A figure drawn from fewer people than this is not shown exactly.
THRESHOLD = 3
SMALL_TEXT = "< 3"
HIDDEN_TEXT = "x"
SUPPRESSION_NOTE = _(
    "“< 3”: fewer than three people; figures drawn from them are not shown either. "
    "“x”: not shown, so that a small number cannot be worked out from the total."
)


class Kind(StrEnum):
    COUNT = "count"
    EUR = "eur"
    PERCENT = "percent"


class State(StrEnum):
    EXACT = "exact"
    SMALL = "small"  # drawn from 1-2 people: "< 3"
    HIDDEN = "hidden"  # secondary suppression: "x"


def is_small(people: int) -> bool:
    return 0 < people < THRESHOLD


@dataclass(frozen=True)
class Figure:
    """One figure of the dashboard. `value` is None unless the figure may be shown."""

    value: int | Decimal | None
    state: State
    kind: Kind = Kind.COUNT

    @property
    def shown(self) -> bool:
        return self.state == State.EXACT

    @property
    def machine(self) -> str:
        """The plain number for a chart's data-value ("" when not shown: a gap)."""
        return "" if self.value is None else str(self.value)

    @property
    def api_value(self) -> int | str | None:
        """The API's answer: the number (money and rates as strings, as DRF writes
        Decimals), "< 3" for a small group, None where it is hidden."""
        if self.state == State.SMALL:
            return SMALL_TEXT
        if self.value is None:
            return None
        return self.value if isinstance(self.value, int) else str(self.value)

    def __str__(self) -> str:
        if self.state == State.SMALL:
            return SMALL_TEXT
        if self.state == State.HIDDEN or self.value is None:
            return HIDDEN_TEXT
        if self.kind == Kind.EUR:
            return format_eur(Decimal(self.value))
        if self.kind == Kind.PERCENT:
            rounded = quantize_percent(Decimal(self.value), 1)
            return f"{formats.number_format(rounded, 1, use_l10n=True)}\u00a0%"
        return formats.number_format(self.value, use_l10n=True, force_grouping=True)

    def hidden(self) -> "Figure":
        """This figure hidden by secondary suppression (a small one stays "< 3")."""
        if self.state == State.SMALL:
            return self
        return replace(self, value=None, state=State.HIDDEN)

    def like(self, other: "Figure") -> "Figure":
        """This figure hidden as `other` is: a figure derived from the same group."""
        if other.state == State.EXACT:
            return self
        if other.state == State.SMALL:
            return replace(self, value=None, state=State.SMALL)
        return self.hidden()


def count(people: int) -> Figure:
    """A number of people (applications, borrowers, loans of distinct borrowers)."""
    if is_small(people):
        return Figure(None, State.SMALL)
    return Figure(people, State.EXACT)


def derived(value: int | Decimal, *, people: int, kind: Kind = Kind.COUNT) -> Figure:
    """A figure drawn from `people` people (a sum of money, jobs): shown only if they are
    not 1 or 2."""
    if is_small(people):
        return Figure(None, State.SMALL, kind)
    return Figure(value, State.EXACT, kind)


def rate(numerator: int, denominator: int, places: int = 1) -> Figure:
    """`numerator` of `denominator` people in percent; suppressed if either counts 1-2."""
    if is_small(numerator) or is_small(denominator):
        return Figure(None, State.SMALL, Kind.PERCENT)
    if not denominator:
        return Figure(quantize_percent(Decimal(0), places), State.EXACT, Kind.PERCENT)
    share = Decimal(numerator) * 100 / Decimal(denominator)
    return Figure(quantize_percent(share, places), State.EXACT, Kind.PERCENT)


def _determined(small: Sequence[int]) -> bool:
    """Whether the small parts (each 1 or 2) could be worked out from their sum alone: k
    parts adding up to k are all 1, adding up to 2k all 2. A single one always is."""
    k = len(small)
    return k > 0 and sum(small) in (k, 2 * k)


def protect_parts(parts: Sequence[int], total: int) -> tuple[list[State], State]:
    """How each part and the total may be shown so that no small part follows from the total
    less the others (see the module's comment). `parts` are counts of people that add up to
    `total` (or less, where some people belong to no part: then nothing can be subtracted
    to a part and the parts are only held to the small rule)."""
    states = [State.SMALL if is_small(p) else State.EXACT for p in parts]
    total_state = State.SMALL if is_small(total) else State.EXACT
    if total_state == State.SMALL or sum(parts) != total:
        return states, total_state
    small = [p for p, s in zip(parts, states, strict=True) if s == State.SMALL]
    if not _determined(small):
        return states, total_state
    # Hide the smallest part still shown that is not 0 (a hidden 0 would give the rest away all
    # the same): the small parts and it then add up in more than one way.
    candidates = [
        (p, i) for i, (p, s) in enumerate(zip(parts, states, strict=True)) if s == State.EXACT and p
    ]
    if not candidates:
        return states, State.HIDDEN
    states[min(candidates)[1]] = State.HIDDEN
    return states, total_state


def apply_states(figures: Sequence[Figure], states: Sequence[State]) -> list[Figure]:
    """Hide `figures` where `states` (from `protect_parts` over the people they are drawn
    from) says so: the counts and every figure derived from the same groups."""
    result = []
    for figure, state in zip(figures, states, strict=True):
        if state == State.SMALL:
            result.append(replace(figure, value=None, state=State.SMALL))
        elif state == State.HIDDEN:
            result.append(figure.hidden())
        else:
            result.append(figure)
    return result
