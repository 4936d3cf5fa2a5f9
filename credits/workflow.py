"""The one table of what may happen to an application, and who may do it.

Every status change goes through `credits.services.application_transition`, which checks this
table; views only offer the transitions `available_transitions` returns. Who may take a step
is asked of its rule, `credits.transition_<name>` (credits/permissions.py, built from the
table's roles), so that the quarter check holds for the workflow as for every other rule.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from miqua.accounts.models import Role, User

from .models import Application

S = Application.Status
ADVISOR = frozenset({Role.ADVISOR})
BACK_OFFICE = frozenset({Role.STAFF, Role.ADMINISTRATOR})

OPEN_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.PREPARED, S.BEFORE_COMMITTEE, S.DEFERRED})
# An approval holds a part of the quarter's lending capacity until it is paid out or given up.
APPROVED_STATES = frozenset({S.APPROVED, S.APPROVED_WITH_CONDITIONS})
DECIDED_STATES = APPROVED_STATES | {S.REJECTED}
FINAL_STATES = DECIDED_STATES | {S.WITHDRAWN, S.LAPSED}
# Only the award committee decides (DOMAIN.md, "The credit decision"): putting an application
# before it and the results of its ballot are steps nobody takes by hand. No role has them;
# `committees.services` takes them with `by_committee=True` when a ballot is opened or closed,
# after checking who may open or close it.
COMMITTEE_DECISIONS = frozenset({"approve", "approve_with_conditions", "reject", "defer"})
COMMITTEE_STEPS = COMMITTEE_DECISIONS | {"present", "no_quorum"}
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: Promise
    # What the person must write with it (a comment, the conditions, the outcome).
    needs_comment: bool = False
    needs_conditions: bool = False
    needs_outcome: bool = False

    @property
    def perm(self) -> str:
        """The rule of this step (credits/permissions.py)."""
        return f"credits.transition_{self.name}"


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, ADVISOR, _("Submit")),
        Transition(
            "return",
            frozenset({S.SUBMITTED, S.PREPARED}),
            S.DRAFT,
            BACK_OFFICE,
            _("Return to the advisor for revision"),
            needs_comment=True,
        ),
        Transition(
            "prepare", frozenset({S.SUBMITTED}), S.PREPARED, BACK_OFFICE, _("Mark as prepared")
        ),
        Transition(
            "present",
            frozenset({S.PREPARED, S.DEFERRED}),
            S.BEFORE_COMMITTEE,
            NOBODY,
            _("Put before the committee"),
        ),
        # The committee's results, carried out when its ballot closes.
        Transition("approve", frozenset({S.BEFORE_COMMITTEE}), S.APPROVED, NOBODY, _("Approve")),
        Transition(
            "approve_with_conditions",
            frozenset({S.BEFORE_COMMITTEE}),
            S.APPROVED_WITH_CONDITIONS,
            NOBODY,
            _("Approve with conditions"),
            needs_conditions=True,
        ),
        Transition(
            "reject",
            frozenset({S.BEFORE_COMMITTEE}),
            S.REJECTED,
            NOBODY,
            _("Reject"),
            needs_comment=True,
        ),
        Transition(
            "defer",
            frozenset({S.BEFORE_COMMITTEE}),
            S.DEFERRED,
            NOBODY,
            _("Defer"),
            needs_comment=True,
        ),
        # A ballot closed without quorum: the application stays before the committee and waits
        # for a new ballot; the step records that in its history.
        Transition(
            "no_quorum",
            frozenset({S.BEFORE_COMMITTEE}),
            S.BEFORE_COMMITTEE,
            NOBODY,
            _("No decision: the committee's quorum was not reached"),
            needs_comment=True,
        ),
        Transition(
            "withdraw",
            OPEN_STATES | APPROVED_STATES,
            S.WITHDRAWN,
            ADVISOR | BACK_OFFICE,
            _("Withdraw: no loan needed"),
            needs_outcome=True,
        ),
        Transition(
            "lapse",
            APPROVED_STATES,
            S.LAPSED,
            BACK_OFFICE,
            _("The approval lapsed"),
            needs_comment=True,
        ),
    ]
}


def available_transitions(*, application: Application, user: User) -> list[Transition]:
    """The steps `user` may take on `application` in its present state."""
    return [
        t
        for t in TRANSITIONS.values()
        if application.status in t.sources and user.has_perm(t.perm, application)
    ]
