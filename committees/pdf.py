"""The minutes of a closed ballot (Protokoll des Vergabeausschusses) as PDF.

The minutes stand in for a signed paper minute, so they name every member and how each voted,
and show the counts and the rules each result came from. Like the decision template they are a
German document whatever language the person who prints them uses: rendered under
`translation.override("de")` from a template written in German, through
`miqua.pdf.html_to_pdf`, which fetches nothing from outside the HTML.

The caller is in the quarter scope of the ballot's cases (a view) or outside every scope (a
task); this module reads inside whatever scope is active.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation

from credits.models import Application
from credits.pdf import STATUS
from miqua.accounts.models import User
from miqua.pdf import html_to_pdf

from . import selectors
from .models import Ballot, BallotCase, Vote

TEMPLATE = "committees/pdf/minutes.html"

# The choices in German: the minutes are German even before the catalogue translates them.
KIND = {
    Ballot.Kind.MEETING: "Sitzung",
    Ballot.Kind.WRITTEN: "Umlaufverfahren (online)",
}
RESULT = {
    BallotCase.Result.PENDING: "offen",
    BallotCase.Result.APPROVED: "bewilligt",
    BallotCase.Result.APPROVED_WITH_CONDITIONS: "mit Auflagen bewilligt",
    BallotCase.Result.REJECTED: "abgelehnt",
    BallotCase.Result.NO_QUORUM: "nicht beschlussfähig – erneut vorzulegen",
    BallotCase.Result.REFUSED_CAPACITY: (
        "bewilligt, aber der Kreditrahmen des Haftungsfonds reicht nicht – zurückgestellt"
    ),
}
CHOICE = {
    Vote.Choice.APPROVE: "Ja",
    Vote.Choice.APPROVE_WITH_CONDITIONS: "Ja, mit Auflagen",
    Vote.Choice.REJECT: "Nein",
    Vote.Choice.ABSTAIN: "Enthaltung",
    Vote.Choice.RECUSED: "befangen – nicht stimmberechtigt",
}
# How the result box is coloured.
TONE = {
    BallotCase.Result.APPROVED: "good",
    BallotCase.Result.APPROVED_WITH_CONDITIONS: "good",
    BallotCase.Result.REJECTED: "bad",
}


@dataclass(frozen=True)
class MemberLine:
    name: str
    organisation: str
    is_chair: bool
    # Meetings only: whether the member was present (None for a written procedure).
    present: bool | None
    # On how many of the ballot's cases the member voted or declared a conflict of interest.
    cases_answered: int


@dataclass(frozen=True)
class VoteLine:
    name: str
    organisation: str
    is_chair: bool
    choice: str  # German; "keine Stimme abgegeben" if the member did not vote
    voted: bool
    recused: bool
    conditions: str
    comment: str
    at: datetime.datetime | None


@dataclass(frozen=True)
class CaseMinute:
    number: int
    case: BallotCase
    application: Application
    result: str
    tone: str
    # The counts as they were at the close (BallotCase.reasoning, see committees.rules).
    counts: dict[str, object]
    recused: list[str]
    votes: list[VoteLine]
    capacity_note: str
    # The application's status if it had left the committee before the close (withdrawn, or
    # decided by hand), so the result was not carried out; else "".
    not_carried_out: str


@dataclass(frozen=True)
class Minutes:
    ballot: Ballot
    kind: str
    members: list[MemberLine]
    chair: str
    participants: int
    present: int | None
    cases: list[CaseMinute]
    quorum_percent: Decimal
    tie_approves: bool
    closed_by: str
    opened_by: str


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.email


def _status(status: object) -> str:
    if not status:
        return ""
    return STATUS.get(str(status)) or str(Application.Status(str(status)).label)


def _organisation(user: User, organisations: dict[int, str]) -> str:
    return organisations.get(user.pk) or (user.organisation.name if user.organisation else "")


def minutes_facts(*, ballot: Ballot) -> Minutes:
    """Everything the minutes show, read once. Only a closed ballot has minutes."""
    # Read afresh: the caller's instance may predate the close.
    ballot = (
        Ballot.objects.select_related("committee", "opened_by", "closed_by")
        .prefetch_related("attendees")
        .get(pk=ballot.pk)
    )
    if ballot.status != Ballot.Status.CLOSED:
        raise ValueError("Only a closed ballot has minutes.")
    memberships = list(
        selectors.memberships_on(committee=ballot.committee, day=selectors.ballot_day(ballot))
        .select_related("member__organisation")
        .order_by("-is_chair", "member__full_name", "member__email")
    )
    members = [m.member for m in memberships]
    organisations = {m.member_id: m.organisation.name for m in memberships if m.organisation}
    chairs = {m.member_id for m in memberships if m.is_chair}
    cases = list(
        ballot.cases.select_related(
            "application__borrower", "application__quarter__municipality"
        ).order_by("pk")
    )
    votes: dict[int, dict[int, Vote]] = {}
    for vote in Vote.objects.filter(case__ballot=ballot).select_related("member__organisation"):
        votes.setdefault(vote.case_id, {})[vote.member_id] = vote
    is_meeting = ballot.kind == Ballot.Kind.MEETING
    attendees = {u.pk for u in ballot.attendees.all()}

    case_minutes = []
    for number, case in enumerate(cases, start=1):
        case_votes = votes.get(case.pk, {})
        # Every member of the day, and (should the data ever hold one) anyone else who voted.
        voters = members + [v.member for v in case_votes.values() if v.member not in members]
        lines = []
        for member in voters:
            vote = case_votes.get(member.pk)
            lines.append(
                VoteLine(
                    name=_name(member),
                    organisation=_organisation(member, organisations),
                    is_chair=member.pk in chairs,
                    choice=CHOICE.get(vote.choice, vote.choice) if vote else "keine Stimme",
                    voted=vote is not None,
                    recused=vote is not None and vote.choice == Vote.Choice.RECUSED,
                    conditions=vote.conditions if vote else "",
                    comment=vote.comment if vote else "",
                    at=vote.changed_at if vote else None,
                )
            )
        case_minutes.append(
            CaseMinute(
                number=number,
                case=case,
                application=case.application,
                result=RESULT.get(case.result, case.result),
                tone=TONE.get(case.result, "neutral"),
                counts=case.reasoning,
                recused=[line.name for line in lines if line.recused],
                votes=lines,
                capacity_note=str(case.reasoning.get("capacity", "")),
                not_carried_out=_status(case.reasoning.get("application_status")),
            )
        )

    answered: dict[int, int] = {}
    for case_votes in votes.values():
        for member_id in case_votes:
            answered[member_id] = answered.get(member_id, 0) + 1
    member_lines = [
        MemberLine(
            name=_name(member),
            organisation=_organisation(member, organisations),
            is_chair=member.pk in chairs,
            present=(member.pk in attendees) if is_meeting else None,
            cases_answered=answered.get(member.pk, 0),
        )
        for member in members
    ]
    rules_at_close = next((c.reasoning for c in ballot.cases.all() if c.reasoning), {})
    return Minutes(
        ballot=ballot,
        kind=KIND.get(ballot.kind, ballot.kind),
        members=member_lines,
        chair=next((line.name for line in member_lines if line.is_chair), ""),
        participants=sum(1 for line in member_lines if line.cases_answered),
        present=sum(1 for line in member_lines if line.present) if is_meeting else None,
        cases=case_minutes,
        # The rules in force at the close (kept with each case), not today's.
        quorum_percent=Decimal(
            rules_at_close.get("quorum_percent", ballot.committee.quorum_percent)
        ),
        tie_approves=bool(rules_at_close.get("tie_approves", ballot.committee.tie_approves)),
        closed_by=_name(ballot.closed_by),
        opened_by=_name(ballot.opened_by),
    )


def render_minutes_html(*, ballot: Ballot, today: datetime.date | None = None) -> str:
    with translation.override("de"):
        facts = minutes_facts(ballot=ballot)
        return render_to_string(
            TEMPLATE, {"m": facts, "b": facts.ballot, "today": today or timezone.localdate()}
        )


def minutes_pdf(*, ballot: Ballot) -> bytes:
    """The minutes of a closed ballot as PDF bytes (A4, German). ValueError for an open one."""
    return html_to_pdf(render_minutes_html(ballot=ballot))


def minutes_filename(ballot: Ballot) -> str:
    day = timezone.localdate(ballot.meeting_on or ballot.closed_at or ballot.opened_at)
    return f"Protokoll-Vergabeausschuss-{ballot.pk}-{day:%Y-%m-%d}.pdf"
