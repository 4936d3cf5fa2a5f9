"""Reads of the award committees, in the caller's quarter scope (a request's, or none in a
task): who sits where, what is ready for a committee, a person's ballots, and the read model
of the ballot page."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from credits.models import Application
from miqua.accounts.models import User
from quarters.models import Quarter

from . import rules
from .models import Ballot, BallotCase, Committee, CommitteeMembership, Vote


def current_memberships_of(*, user: User) -> QuerySet[CommitteeMembership]:
    """The committees a person sits on today (a membership has a start and maybe an end)."""
    today = timezone.localdate()
    return (
        CommitteeMembership.objects.filter(member=user, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related(
            "committee__quarter__municipality", "committee__municipality", "organisation"
        )
    )


def member_quarter_ids(user: User) -> list[int]:
    """The quarters a committee member may see: those of the committees they sit on today (a
    committee of a municipality: all its quarters). Registered as the committee member's
    resolver in `miqua.accounts.scoping`; runs with scopes disabled."""
    current = current_memberships_of(user=user)
    return list(
        Quarter.objects.filter(
            Q(committees__memberships__in=current)
            | Q(municipality__committees__memberships__in=current)
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def memberships_on(*, committee: Committee, day: datetime.date) -> QuerySet[CommitteeMembership]:
    return (
        committee.memberships.filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("member", "organisation")
    )


def ballot_day(ballot: Ballot) -> datetime.date:
    """The day whose members decide: the meeting's, or the day the written procedure opened."""
    moment = ballot.meeting_on if ballot.kind == Ballot.Kind.MEETING else ballot.opened_at
    return timezone.localdate(moment or timezone.now())


def readable_by_member(*, user: User, ballots: QuerySet[Ballot]) -> QuerySet[Ballot]:
    """The ballots of `ballots` whose committee `user` sat on on the ballot's day (`ballot_day`:
    the meeting's, or the day the written procedure opened): the rule of
    `committees.view_ballot` for a member, asked of the database for a whole list at once."""
    day = Case(
        # A meeting not yet dated counts as today's, as in `ballot_day`.
        When(
            kind=Ballot.Kind.MEETING,
            then=Coalesce(TruncDate("meeting_on"), Value(timezone.localdate())),
        ),
        default=TruncDate("opened_at"),
        output_field=DateField(),
    )
    sat = CommitteeMembership.objects.filter(
        committee_id=OuterRef("committee_id"), member=user, starts_on__lte=OuterRef("ballot_day")
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("ballot_day")))
    return ballots.annotate(ballot_day=day).filter(Exists(sat))


def deadline_passed(ballot: Ballot) -> bool:
    """The one rule for "too late to vote": after the deadline of a written procedure."""
    return bool(ballot.deadline and timezone.now() > ballot.deadline)


def ballot_members(*, ballot: Ballot) -> list[User]:
    return [m.member for m in memberships_on(committee=ballot.committee, day=ballot_day(ballot))]


def is_member(*, user: User, committee: Committee, day: datetime.date | None = None) -> bool:
    day = day or timezone.localdate()
    return memberships_on(committee=committee, day=day).filter(member=user).exists()


def is_chair(*, user: User, committee: Committee) -> bool:
    return (
        memberships_on(committee=committee, day=timezone.localdate())
        .filter(member=user, is_chair=True)
        .exists()
    )


def committee_quarters(*, committee: Committee) -> QuerySet[Quarter]:
    if committee.quarter_id:
        return Quarter.objects.filter(pk=committee.quarter_id)
    return Quarter.objects.filter(municipality_id=committee.municipality_id)


def awaiting_ballot() -> QuerySet[Application]:
    """Applications staff must put on a ballot: prepared, deferred, or before the committee
    without an open ballot (the last one closed without quorum)."""
    open_cases = BallotCase.objects.filter(is_open=True)
    return (
        Application.objects.filter(
            status__in=[
                Application.Status.PREPARED,
                Application.Status.DEFERRED,
                Application.Status.BEFORE_COMMITTEE,
            ]
        )
        .exclude(ballot_cases__in=open_cases)
        .select_related("borrower", "quarter__municipality")
        .order_by("submitted_at", "pk")
    )


def ready_for_committee(*, committee: Committee) -> QuerySet[Application]:
    """What awaits a ballot in the committee's area (its quarter, or its municipality's)."""
    return awaiting_ballot().filter(quarter__in=committee_quarters(committee=committee))


def ballots_for(*, user: User) -> QuerySet[Ballot]:
    """The ballots a person may open: staff all, members those of their committees. On top of
    the quarter scope, which shows a member every committee of their quarters."""
    ballots = Ballot.objects.select_related("committee")
    if user.has_perm("committees.manage_ballots"):
        return ballots
    committees = current_memberships_of(user=user).values("committee_id")
    return ballots.filter(committee_id__in=committees)


def ballots_readable(*, user: User) -> QuerySet[Ballot]:
    """`ballots_for` narrowed to those `user` may read (`committees.view_ballot`): staff every
    one, a member those of the days they sat on the committee (`ballot_day`), asked in the
    database so that a list of ballots costs the same queries however long it is."""
    ballots = ballots_for(user=user)
    if user.has_perm("committees.manage_ballots"):
        return ballots
    return readable_by_member(user=user, ballots=ballots)


def ballots_with_progress(*, user: User) -> QuerySet[Ballot]:
    """`ballots_for`, each with its number of cases and the cases this person has voted on (a
    declared conflict of interest counts as dealt with)."""
    return ballots_for(user=user).annotate(
        case_count=Count("cases", distinct=True),
        done_count=Count("cases__votes", filter=Q(cases__votes__member=user), distinct=True),
    )


def committees_to_choose() -> list[tuple[Committee, int]]:
    """Every committee in the scope with the number of applications ready for it."""
    return [
        (committee, ready_for_committee(committee=committee).count())
        for committee in Committee.objects.select_related("quarter__municipality", "municipality")
    ]


def votes_of(*, case: BallotCase) -> QuerySet[Vote]:
    return case.votes.select_related("member", "member__organisation")


def open_cases_of_member_for(*, user: User, application: Application) -> bool:
    """Whether the application is (or was) before a committee the user sits on: what lets a
    member read its decision template and documents."""
    committees = current_memberships_of(user=user).values("committee_id")
    return application.ballot_cases.filter(ballot__committee_id__in=committees).exists()


def open_ballots_to_vote(*, user: User) -> list[dict[str, object]]:
    """The committee member's home: their open ballots, each with the cases still to vote."""
    result = []
    ballots = (
        ballots_for(user=user)
        .filter(status=Ballot.Status.OPEN)
        .annotate(due=Coalesce("deadline", "meeting_on"))
        .order_by("due", "pk")
    )
    for ballot in ballots:
        if not user.has_perm("committees.vote", ballot):
            continue
        cases = list(ballot.cases.select_related("application__borrower"))
        done = set(
            Vote.objects.filter(case__in=cases, member=user).values_list("case_id", flat=True)
        )
        result.append(
            {
                "ballot": ballot,
                "deadline_passed": deadline_passed(ballot),
                "to_vote": [c for c in cases if c.pk not in done],
                "case_count": len(cases),
            }
        )
    return result


def members_with_votes_missing(*, ballot: Ballot) -> list[User]:
    """Members of the ballot's day who have not yet voted (or recused) on every case: one
    query for the votes, whatever the number of members and cases."""
    case_ids = set(ballot.cases.values_list("pk", flat=True))
    answered: dict[int, set[int]] = {}
    for member_id, case_id in Vote.objects.filter(case__ballot=ballot).values_list(
        "member_id", "case_id"
    ):
        answered.setdefault(member_id, set()).add(case_id)
    return [m for m in ballot_members(ballot=ballot) if answered.get(m.pk, set()) != case_ids]


# --- The ballot page ---------------------------------------------------------------------------


@dataclass
class CaseRow:
    case: BallotCase
    votes: list[Vote]
    my_vote: Vote | None
    participation: rules.Participation
    # After the close: each member of the ballot's day with their vote (None: did not vote).
    member_votes: list[tuple[CommitteeMembership, Vote | None]] = field(default_factory=list)
    # What the page adds: the vote and recusal forms, and a message about this case that no
    # form on the page can carry (say, the ballot closed).
    vote_form: Any = None
    recuse_form: Any = None
    meeting_form: Any = None
    errors: list[str] = field(default_factory=list)
    # What the committee's rules would decide if the ballot closed now (the close's preview).
    preview: rules.CaseResult | None = None

    @property
    def application(self) -> Application:
        return self.case.application

    @property
    def recused(self) -> bool:
        return self.my_vote is not None and self.my_vote.choice == Vote.Choice.RECUSED


@dataclass(frozen=True)
class MemberRow:
    membership: CommitteeMembership
    cells: list[Vote | None]  # per case, in the order of the cases
    present: bool

    @property
    def organisation(self) -> Any:
        return self.membership.organisation or self.membership.member.organisation

    @property
    def done(self) -> bool:
        return all(cell is not None for cell in self.cells)


@dataclass(frozen=True)
class BallotPage:
    """What the ballot page shows `user`. While the ballot is open nobody sees how anyone
    voted, only that they did (a member sees their own vote)."""

    ballot: Ballot
    is_open: bool
    is_meeting: bool
    deadline_passed: bool
    can_vote: bool
    can_close: bool
    can_manage: bool
    # The office types in the votes given at a meeting held in a room.
    can_record_meeting_votes: bool
    is_member: bool
    memberships: list[CommitteeMembership]  # of the ballot's day
    attendees: frozenset[int]
    cases: list[CaseRow]
    member_rows: list[MemberRow]

    @property
    def members_done(self) -> int:
        return sum(1 for row in self.member_rows if row.done)


def _cases_of(ballot: Ballot) -> list[BallotCase]:
    return list(
        ballot.cases.select_related(
            "application__borrower", "application__quarter__municipality"
        ).prefetch_related(
            Prefetch("votes", queryset=Vote.objects.select_related("member__organisation")),
            "application__documents",
        )
    )


def ballot_page(*, ballot: Ballot, user: User) -> BallotPage:
    is_open = ballot.status == Ballot.Status.OPEN
    passed = deadline_passed(ballot)
    memberships = list(memberships_on(committee=ballot.committee, day=ballot_day(ballot)))
    rows = []
    for case in _cases_of(ballot):
        votes = list(case.votes.all())
        row = CaseRow(
            case=case,
            votes=votes,
            my_vote=next((v for v in votes if v.member_id == user.pk), None),
            participation=rules.participation(
                members=len(memberships),
                choices=[v.choice for v in votes],
                quorum_percent=ballot.committee.quorum_percent,
            ),
        )
        if not is_open:
            by_member = {v.member_id: v for v in votes}
            row.member_votes = [(m, by_member.get(m.member_id)) for m in memberships]
        else:
            row.preview = rules.case_result(
                members=len(memberships),
                choices=[v.choice for v in votes],
                quorum_percent=ballot.committee.quorum_percent,
                tie_approves=ballot.committee.tie_approves,
            )
        rows.append(row)
    attendees = frozenset(ballot.attendees.values_list("pk", flat=True))
    votes_by_case = [{v.member_id: v for v in row.votes} for row in rows]
    return BallotPage(
        ballot=ballot,
        is_open=is_open,
        is_meeting=ballot.kind == Ballot.Kind.MEETING,
        deadline_passed=passed,
        can_vote=is_open and not passed and user.has_perm("committees.vote", ballot),
        can_close=is_open and user.has_perm("committees.close_ballot", ballot),
        can_manage=user.has_perm("committees.manage_ballots"),
        can_record_meeting_votes=(
            is_open
            and ballot.kind == Ballot.Kind.MEETING
            and user.has_perm("committees.record_meeting_votes", ballot)
        ),
        is_member=any(m.member_id == user.pk for m in memberships),
        memberships=memberships,
        attendees=attendees,
        cases=rows,
        member_rows=[
            MemberRow(
                membership=m,
                cells=[votes.get(m.member_id) for votes in votes_by_case],
                present=m.member_id in attendees,
            )
            for m in memberships
        ],
    )


def without_quorum(*, applications: QuerySet[Application]) -> list[tuple[Application, BallotCase]]:
    """Of `applications`, those whose last ballot closed without quorum, with that case."""
    # The database picks them (the result of each one's last closed case): at national scale
    # thousands wait before a committee, and reading them all to keep a few cost a second.
    last_result = (
        BallotCase.objects.filter(application=OuterRef("pk"), is_open=False)
        .order_by(F("ballot__closed_at").desc(nulls_first=True), "-pk")
        .values("result")[:1]
    )
    waiting = list(
        applications.filter(status=Application.Status.BEFORE_COMMITTEE)
        .annotate(last_result=Subquery(last_result))
        .filter(last_result=BallotCase.Result.NO_QUORUM)
    )
    last_cases: dict[int, BallotCase] = {}
    for case in (
        BallotCase.objects.filter(application__in=waiting, is_open=False)
        .select_related("ballot__committee")
        .order_by("ballot__closed_at", "pk")
    ):
        last_cases[case.application_id] = case
    return [
        (a, last_cases[a.pk])
        for a in waiting
        if a.pk in last_cases and last_cases[a.pk].result == BallotCase.Result.NO_QUORUM
    ]


def committees_for_application(*, application: Application) -> QuerySet[Committee]:
    """The committees that decide for the application's quarter: its own, or its
    municipality's."""
    return Committee.objects.filter(
        Q(quarter_id=application.quarter_id)
        | Q(municipality_id=application.quarter.municipality_id)
    ).order_by("name")
