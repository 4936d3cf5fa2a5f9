"""Writes of the award committees: ballots, votes, recusals and the close that decides."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credits.models import Application
from credits.services import application_transition
from miqua.accounts.models import User
from miqua.audit.services import audit_record

from . import rules, selectors
from .models import Ballot, BallotCase, Committee, Vote

S = Application.Status
C = Vote.Choice
R = BallotCase.Result

# A case's result, and the application step that carries it out.
DECISION_STEPS = {
    R.APPROVED: "approve",
    R.APPROVED_WITH_CONDITIONS: "approve_with_conditions",
    R.REJECTED: "reject",
}


def _notify(task_name: str, ballot: Ballot) -> None:
    # Mail leaves through Celery once the transaction has committed (never for a rollback).
    from . import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(ballot_id=ballot.pk))


def ballot_schedule_errors(
    *,
    kind: str,
    deadline: datetime.datetime | None,
    meeting_on: datetime.datetime | None,
) -> dict[str, str]:
    """When the committee decides: a written procedure until a deadline in the future, a
    meeting on its date. The rule of `ballot_open`, also asked by the form, so that a person
    sees every mistake of the form at once."""
    errors: dict[str, str] = {}
    if kind == Ballot.Kind.WRITTEN and (deadline is None or deadline <= timezone.now()):
        errors["deadline"] = _("A written procedure needs a deadline in the future.")
    if kind == Ballot.Kind.MEETING and meeting_on is None:
        errors["meeting_on"] = _("A meeting needs its date and time.")
    return errors


@transaction.atomic
def ballot_open(
    *,
    committee: Committee,
    kind: str,
    title: str,
    applications: list[Application],
    actor: User,
    deadline: datetime.datetime | None = None,
    meeting_on: datetime.datetime | None = None,
    location: str = "",
) -> Ballot:
    """Put applications before a committee: a meeting, or a written procedure until a
    deadline. Prepared (or deferred) applications move to "before the committee"."""
    if not actor.has_perm("committees.manage_ballots"):
        raise PermissionDenied
    errors = ballot_schedule_errors(kind=kind, deadline=deadline, meeting_on=meeting_on)
    if not applications:
        errors["applications"] = _("Please choose at least one application.")
    # Lock the chosen applications (in one order, so two requests cannot deadlock) and read
    # their status fresh: what the page showed may have changed since.
    applications = list(
        Application.objects.select_for_update()
        .filter(pk__in=[a.pk for a in applications])
        .select_related("quarter")
        .order_by("pk")
    )
    ready = set(selectors.ready_for_committee(committee=committee).values_list("pk", flat=True))
    not_ready = [a.reference for a in applications if a.pk not in ready]
    if not_ready:
        errors["applications"] = _(
            "These applications cannot be put before this committee now: %(refs)s. Only "
            "prepared or deferred applications of the committee's area can."
        ) % {"refs": ", ".join(not_ready)}
    if errors:
        raise ValidationError(errors)
    ballot = Ballot.objects.create(
        committee=committee,
        kind=kind,
        title=title.strip() or str(committee),
        deadline=deadline if kind == Ballot.Kind.WRITTEN else None,
        meeting_on=meeting_on if kind == Ballot.Kind.MEETING else None,
        location=location.strip(),
        opened_by=actor,
    )
    for application in applications:
        if application.status != S.BEFORE_COMMITTEE:
            application_transition(
                application=application, name="present", actor=actor, by_committee=True
            )
        try:
            # A savepoint, so that the constraint's refusal can be told as a message.
            with transaction.atomic():
                BallotCase.objects.create(
                    ballot=ballot, application=application, quarter_id=application.quarter_id
                )
        except IntegrityError:
            # Another ballot took it a moment ago (two people, or a double click): the
            # database holds an application to one open ballot.
            raise ValidationError(
                {
                    "applications": _(
                        "%(ref)s has just been put on another open ballot. Please reload the "
                        "page and choose again."
                    )
                    % {"ref": application.reference}
                }
            ) from None
    audit_record(
        actor=actor,
        action="ballot.opened",
        obj=ballot,
        quarter_id=committee.quarter_id,
        changes={"kind": kind, "applications": [a.reference for a in applications]},
    )
    _notify("notify_ballot_opened", ballot)
    return ballot


def _text_errors(**texts: str) -> dict[str, str]:
    """A vote's texts within the limits of their fields (the forms say so too; this holds for
    every way in)."""
    errors = {}
    for name, text in texts.items():
        limit = Vote._meta.get_field(name).max_length or 0
        if len(text.strip()) > limit:
            errors[name] = _("Please shorten this text to at most %(limit)s characters.") % {
                "limit": f"{limit:,}".replace(",", ".")
            }
    return errors


def _require_vote_texts(*, choice: str, conditions: str, comment: str) -> None:
    """The texts of a vote, online or recorded at a meeting: conditions written out for a yes
    with conditions, and every text within its limit."""
    if choice == C.APPROVE_WITH_CONDITIONS and not conditions.strip():
        raise ValidationError({"conditions": _("Please write out the conditions.")})
    if errors := _text_errors(conditions=conditions, comment=comment):
        raise ValidationError(errors)


def _require_vote_right(*, case: BallotCase, member: User) -> Ballot:
    ballot = case.ballot
    if not member.has_perm("committees.vote", ballot):
        # Not a member of the ballot's day: the case does not exist for them.
        raise PermissionDenied
    if ballot.status != Ballot.Status.OPEN:
        raise ValidationError(_("This ballot is closed: votes can no longer be cast or changed."))
    if selectors.deadline_passed(ballot):
        raise ValidationError(_("The deadline of this ballot has passed: votes are closed."))
    return ballot


@transaction.atomic
def vote_cast(
    *, case: BallotCase, member: User, choice: str, conditions: str = "", comment: str = ""
) -> Vote:
    """Cast or change a vote until the ballot closes. One vote per member per case."""
    # Lock the ballot: a vote and the close never interleave. Only the ballot: in a member's
    # scope the query joins the committee, whose row other ballots share.
    case.ballot = Ballot.objects.select_for_update(of=("self",)).get(pk=case.ballot_id)
    ballot = _require_vote_right(case=case, member=member)
    if choice not in C.values or choice == C.RECUSED:
        raise ValidationError({"choice": _("Please choose your vote.")})
    _require_vote_texts(choice=choice, conditions=conditions, comment=comment)
    existing = case.votes.filter(member=member).first()
    if existing is not None and existing.choice == C.RECUSED:
        raise ValidationError(
            _("You declared a conflict of interest on this case and cannot vote on it.")
        )
    fields = {
        "choice": choice,
        "conditions": conditions.strip() if choice == C.APPROVE_WITH_CONDITIONS else "",
        "comment": comment.strip(),
    }
    if existing is None:
        vote = Vote.objects.create(case=case, quarter_id=case.quarter_id, member=member, **fields)
        action = "vote.cast"
    else:
        for field, value in fields.items():
            setattr(existing, field, value)
        existing.save()
        vote, action = existing, "vote.changed"
    if ballot.kind == Ballot.Kind.MEETING:
        ballot.attendees.add(member)
    # The audit keeps that a vote was cast, not how: the vote itself is secret until the close.
    audit_record(actor=member, action=action, obj=case.application, quarter_id=case.quarter_id)
    return vote


@transaction.atomic
def meeting_vote_record(
    *,
    case: BallotCase,
    member: User,
    choice: str,
    actor: User,
    conditions: str = "",
    comment: str = "",
) -> Vote:
    """The office records a member's vote (or declared conflict of interest) as given at a
    meeting held in a room. The committee still decides: the result follows from these votes
    by its rules when the ballot closes, as for an online vote."""
    case.ballot = Ballot.objects.select_for_update(of=("self",)).get(pk=case.ballot_id)
    ballot = case.ballot
    if not actor.has_perm("committees.record_meeting_votes", ballot):
        raise PermissionDenied
    if ballot.kind != Ballot.Kind.MEETING:
        raise ValidationError(
            _("Votes are recorded for a meeting only; in a written procedure members vote online.")
        )
    if ballot.status != Ballot.Status.OPEN:
        raise ValidationError(_("This ballot is closed: votes can no longer be cast or changed."))
    if not selectors.is_member(
        user=member, committee=ballot.committee, day=selectors.ballot_day(ballot)
    ):
        raise ValidationError(
            {"member": _("Only members of the committee on the meeting's day vote.")}
        )
    if choice not in C.values:
        raise ValidationError({"choice": _("Please choose the member's vote.")})
    _require_vote_texts(choice=choice, conditions=conditions, comment=comment)
    vote, created = Vote.objects.update_or_create(
        case=case,
        member=member,
        defaults={
            "quarter_id": case.quarter_id,
            "choice": choice,
            "conditions": conditions.strip() if choice == C.APPROVE_WITH_CONDITIONS else "",
            "comment": comment.strip(),
            "recorded_by": actor,
        },
    )
    ballot.attendees.add(member)
    audit_record(
        actor=actor,
        action="vote.recorded",
        obj=case.application,
        quarter_id=case.quarter_id,
        changes={"member": str(member), "changed": not created},
    )
    return vote


@transaction.atomic
def case_recuse(*, case: BallotCase, member: User, reason: str = "") -> Vote:
    """Declare a conflict of interest: no vote on this case, and not counted for its quorum."""
    case.ballot = Ballot.objects.select_for_update(of=("self",)).get(pk=case.ballot_id)
    _require_vote_right(case=case, member=member)
    if errors := _text_errors(comment=reason):
        raise ValidationError({"reason": errors["comment"]})
    vote, _created = Vote.objects.update_or_create(
        case=case,
        member=member,
        defaults={
            "quarter_id": case.quarter_id,
            "choice": C.RECUSED,
            "conditions": "",
            "comment": reason.strip(),
        },
    )
    audit_record(
        actor=member, action="vote.recused", obj=case.application, quarter_id=case.quarter_id
    )
    return vote


@transaction.atomic
def ballot_close(*, ballot: Ballot, actor: User | None) -> Ballot:
    """Close a ballot and decide each case by the committee's rules. Idempotent: closing a
    closed ballot changes nothing (a second worker or a double click)."""
    ballot = Ballot.objects.select_for_update().select_related("committee").get(pk=ballot.pk)
    if ballot.status == Ballot.Status.CLOSED:
        return ballot
    if actor is None:
        # The deadline task closes without a person, and only a written procedure whose
        # deadline has passed.
        if ballot.deadline is None or timezone.now() < ballot.deadline:
            raise PermissionDenied
    elif not actor.has_perm("committees.close_ballot", ballot):
        raise PermissionDenied
    members = len(selectors.ballot_members(ballot=ballot))
    for case in ballot.cases.select_related("application").select_for_update():
        outcome = rules.case_result(
            members=members,
            choices=list(case.votes.values_list("choice", flat=True)),
            quorum_percent=ballot.committee.quorum_percent,
            tie_approves=ballot.committee.tie_approves,
        )
        case.result = outcome.result
        # The rules as they were at the close, so that a later change of the committee's
        # rules does not rewrite an old minute.
        case.reasoning = {
            **outcome.as_reasoning(),
            "quorum_percent": str(ballot.committee.quorum_percent),
            "tie_approves": ballot.committee.tie_approves,
        }
        comment = _minute_line(outcome)
        if outcome.result == R.APPROVED_WITH_CONDITIONS:
            case.conditions = "\n".join(
                case.votes.filter(choice=C.APPROVE_WITH_CONDITIONS)
                .order_by("cast_at")
                .values_list("conditions", flat=True)
            )
        step = DECISION_STEPS.get(outcome.result)
        if outcome.result == R.NO_QUORUM and case.application.status == S.BEFORE_COMMITTEE:
            # No decision: the application waits for a new ballot, and its history says why.
            application_transition(
                application=case.application,
                name="no_quorum",
                actor=actor,
                comment=_no_quorum_line(ballot, outcome),
                by_committee=True,
            )
        if step is not None and case.application.status != S.BEFORE_COMMITTEE:
            # Withdrawn (or decided by hand) while the vote ran: the committee's result is
            # kept, but there is nothing left to carry out, and the close must not fail on it.
            case.reasoning = {**case.reasoning, "application_status": case.application.status}
            step = None
        if step is not None:
            try:
                application_transition(
                    application=case.application,
                    name=step,
                    actor=actor,
                    comment=comment,
                    conditions=case.conditions,
                    by_committee=True,
                )
            except ValidationError as e:
                if getattr(e, "code", None) != "capacity":
                    raise
                # Approved, but the fund cannot carry it now: deferred until capacity frees up.
                case.result = R.REFUSED_CAPACITY
                case.reasoning = {**case.reasoning, "capacity": e.messages[0]}
                application_transition(
                    application=case.application,
                    name="defer",
                    actor=actor,
                    comment=e.messages[0],
                    by_committee=True,
                )
        case.is_open = False
        case.save()
    ballot.status = Ballot.Status.CLOSED
    ballot.closed_at = timezone.now()
    ballot.closed_by = actor
    ballot.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        action="ballot.closed",
        obj=ballot,
        quarter_id=ballot.committee.quarter_id,
        changes={c.application.reference: c.result for c in ballot.cases.all()},
    )
    _notify("notify_ballot_result", ballot)
    return ballot


def _no_quorum_line(ballot: Ballot, outcome: rules.CaseResult) -> str:
    return _(
        "%(ballot)s closed without quorum: %(taking_part)s of %(eligible)s eligible members "
        "voted, %(needed)s were needed. Please put the application on a new ballot."
    ) % {
        "ballot": ballot.title,
        "taking_part": outcome.taking_part,
        "eligible": outcome.eligible,
        "needed": outcome.quorum_needed,
    }


def _minute_line(outcome: rules.CaseResult) -> str:
    return _(
        "Award committee: %(yes)s yes, %(no)s no, %(abstain)s abstentions, %(recused)s recused; "
        "quorum %(quorum)s."
    ) % {
        "yes": outcome.yes,
        "no": outcome.no,
        "abstain": outcome.abstain,
        "recused": outcome.recused,
        "quorum": _("met") if outcome.quorum_met else _("not met"),
    }


@transaction.atomic
def ballot_set_attendance(*, ballot: Ballot, attendees: list[User], actor: User) -> None:
    if not actor.has_perm("committees.manage_ballots"):
        raise PermissionDenied
    if ballot.status == Ballot.Status.CLOSED:
        # The minutes are written: who was there is part of them.
        raise ValidationError(_("This ballot is closed: the attendance can no longer change."))
    members = {m.pk for m in selectors.ballot_members(ballot=ballot)}
    if any(a.pk not in members for a in attendees):
        raise ValidationError({"attendees": _("Only members of the committee can be present.")})
    ballot.attendees.set(attendees)
    audit_record(
        actor=actor,
        action="ballot.attendance",
        obj=ballot,
        quarter_id=ballot.committee.quarter_id,
        changes={"present": [str(a) for a in attendees]},
    )
