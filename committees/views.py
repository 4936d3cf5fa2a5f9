"""The committee's pages: the ballots, putting applications before a committee, the ballot page
where members read the cases and vote, the close that decides, and the minutes.

Every view reaches its ballot through `selectors.ballots_for`, in the request's quarter
scope: a ballot of a committee the person does not sit on does not exist for them (404). What
they may do on it is asked of the rules in committees/permissions.py; the services check
everything again. What a page shows comes from the selectors; the views add the forms.

While a ballot is open nobody sees how anyone voted, only that they did (a member sees their
own vote); the choices and comments appear once the ballot is closed.
"""

import itertools
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from miqua.csv_export import Column, csv_response, labels, rows_of, wants_csv
from miqua.forms import apply_validation_error

from . import selectors, services
from .forms import (
    AttendanceForm,
    BallotCreateForm,
    CommitteeFilterForm,
    MeetingVotesForm,
    RecuseForm,
    VoteForm,
)
from .models import Ballot, BallotCase, Committee, Vote

CLOSED_PAGE_SIZE = 20


def _ballot_for(request: HttpRequest, pk: int) -> Ballot:
    # Scoped to the person: a ballot of another committee does not exist for them.
    return get_object_or_404(selectors.ballots_for(user=request.user), pk=pk)


def _readable_ballot(request: HttpRequest, pk: int) -> Ballot:
    ballot = _ballot_for(request, pk)
    if not request.user.has_perm("committees.view_ballot", ballot):
        raise PermissionDenied(
            _(
                "This ballot was decided by the members of the committee on its day; you were "
                "not a member then."
            )
        )
    return ballot


def _anchor(case: BallotCase) -> str:
    return f"case-{case.pk}"


def _detail_url(ballot: Ballot, case: BallotCase | None = None) -> str:
    url = reverse("ballot_detail", args=[ballot.pk])
    return f"{url}#{_anchor(case)}" if case is not None else url


# --- The list ---------------------------------------------------------------------------------


def _ballot_columns() -> list[Column[Ballot]]:
    """The list's columns: the open ballots, then the closed ones, as the page shows them."""
    kind, status = labels(Ballot.Kind), labels(Ballot.Status)
    return [
        Column(_("Ballot"), lambda ballot: ballot.title),
        Column(_("Committee"), lambda ballot: ballot.committee.name),
        Column(_("Kind"), lambda ballot: kind(ballot.kind)),
        Column(_("Status"), lambda ballot: status(ballot.status)),
        Column(_("Cases"), lambda ballot: ballot.case_count),  # type: ignore[attr-defined]
        Column(_("Votes until"), lambda ballot: ballot.deadline),
        Column(_("Meeting on"), lambda ballot: ballot.meeting_on),
        Column(_("Closed on"), lambda ballot: ballot.closed_at),
    ]


@login_required
@require_safe
def ballot_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm("committees.view_ballots"):
        raise PermissionDenied
    ballots = selectors.ballots_with_progress(user=user)
    filter_form = None
    if user.has_perm("committees.manage_ballots"):
        filter_form = CommitteeFilterForm(request.GET or None)
        if filter_form.is_valid() and filter_form.cleaned_data["committee"]:
            ballots = ballots.filter(committee=filter_form.cleaned_data["committee"])
    open_ballots = (
        ballots.filter(status=Ballot.Status.OPEN)
        .annotate(due=Coalesce("deadline", "meeting_on"))
        .order_by("due", "pk")
    )
    closed = ballots.filter(status=Ballot.Status.CLOSED).order_by("-closed_at", "-pk")
    member = not user.has_perm("committees.manage_ballots")
    if member:
        # A member reads the ballots of the days they sat on the committee (the rule of
        # `committees.view_ballot`), asked of the database for the whole list: the page costs
        # the same for 5 ballots or 500.
        open_ballots = list(selectors.readable_by_member(user=user, ballots=open_ballots))
        closed = selectors.readable_by_member(user=user, ballots=closed)
    if wants_csv(request):
        return csv_response(
            rows=itertools.chain(open_ballots, rows_of(closed)),
            columns=_ballot_columns(),
            name=_("Committee votes"),
        )
    open_ballots = list(open_ballots)
    for ballot in open_ballots:
        # `committees.vote`: a member of the committee on the ballot's day, which every ballot
        # of a member's list is (above); the back office votes on none.
        ballot.may_vote = member and not selectors.deadline_passed(ballot)
        ballot.deadline_passed = selectors.deadline_passed(ballot)
    page = Paginator(closed, CLOSED_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "open_ballots": open_ballots,
        "closed_page": page,
        "closed_ballots": page.object_list,
        "filter_form": filter_form,
        "is_filtered": bool(
            filter_form and filter_form.is_valid() and filter_form.cleaned_data["committee"]
        ),
    }
    return render(request, "committees/ballot_list.html", context)


# --- Putting applications before a committee ---------------------------------------------------


def default_title(committee: Committee, when: Any) -> str:
    """ "Vergabeausschuss Offenbach östliche Innenstadt – 12.03.2025". Committee names usually
    say already that they are a committee; the word is added only where they do not."""
    day = formats.date_format(timezone.localtime(when), "SHORT_DATE_FORMAT")
    name = committee.name
    word = _("Award committee")
    if word.lower() not in name.lower() and "ausschuss" not in name.lower():
        name = f"{word} {name}"
    return f"{name} – {day}"


# The service names the moments; the form asks for their date and time separately.
_SERVICE_FIELDS = {"deadline": "deadline_date", "meeting_on": "meeting_date"}


def _for_form(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {_SERVICE_FIELDS.get(key, key): value for key, value in error.error_dict.items()}
    )


def _chosen_committee(request: HttpRequest) -> Committee | None:
    value = (
        request.POST.get("committee") if request.method == "POST" else request.GET.get("committee")
    )
    if not value:
        return None
    try:
        return Committee.objects.select_related("quarter", "municipality").get(pk=int(value))
    except (ValueError, Committee.DoesNotExist):
        raise Http404 from None


@login_required
def ballot_create(request: HttpRequest) -> HttpResponse:
    """Step 1 (`?committee=` missing): choose the committee. Step 2: choose its applications
    that are ready, how it decides and when."""
    if not request.user.has_perm("committees.manage_ballots"):
        raise PermissionDenied
    committee = _chosen_committee(request)
    if committee is None:
        committees = selectors.committees_to_choose()
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "committees/ballot_create.html",
            {"committees": committees, "step": 1, "missing_committee": status == 400},
            status=status,
        )
    ready = selectors.ready_for_committee(committee=committee).select_related(
        "quarter__municipality"
    )
    form = BallotCreateForm(request.POST if request.method == "POST" else None, ready=ready)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        when = data["deadline"] if data["kind"] == Ballot.Kind.WRITTEN else data["meeting_on"]
        try:
            ballot = services.ballot_open(
                committee=committee,
                kind=data["kind"],
                title=data["title"] or default_title(committee, when),
                applications=list(data["applications"]),
                actor=request.user,
                deadline=data["deadline"],
                meeting_on=data["meeting_on"],
                location=data["location"],
            )
        except ValidationError as e:
            apply_validation_error(form, _for_form(e))
        else:
            messages.success(
                request,
                _(
                    "The applications are now before the committee. Its members are told by "
                    "email and can read the cases and vote on this page."
                ),
            )
            return redirect("ballot_detail", pk=ballot.pk)
    chosen = {str(v) for v in (form["applications"].value() or [])}
    context = {
        "step": 2,
        "committee": committee,
        "form": form,
        "ready": [(application, str(application.pk) in chosen) for application in ready],
    }
    return render(
        request, "committees/ballot_create.html", context, status=400 if form.is_bound else 200
    )


# --- The ballot page -----------------------------------------------------------------------------


def _vote_initial(vote: Vote | None) -> dict[str, str]:
    if vote is None:
        return {}
    return {"choice": vote.choice, "conditions": vote.conditions, "comment": vote.comment}


def _meeting_initial(votes: list[Vote]) -> dict[str, str]:
    initial = {f"member_{v.member_id}": v.choice for v in votes if v.recorded_by_id}
    conditions = [v.conditions for v in votes if v.conditions and v.recorded_by_id]
    if conditions:
        initial["conditions"] = conditions[0]
    return initial


def render_ballot_detail(
    request: HttpRequest,
    ballot: Ballot,
    *,
    status: int = 200,
    bound: dict[int, forms.Form] | None = None,
    case_errors: dict[int, list[str]] | None = None,
    attendance_form: AttendanceForm | None = None,
    close_errors: list[str] | None = None,
) -> HttpResponse:
    """The ballot page: its read model (`selectors.ballot_page`) with the forms. `bound` holds
    a case's posted vote or recusal form (by case id) to show it again with what was typed and
    its errors."""
    page = selectors.ballot_page(ballot=ballot, user=request.user)
    bound = bound or {}
    case_errors = case_errors or {}
    for row in page.cases:
        row.errors = list(case_errors.get(row.case.pk, []))
        posted = bound.get(row.case.pk)
        if page.can_vote and not row.recused:
            row.vote_form = (
                posted
                if isinstance(posted, VoteForm)
                else VoteForm(initial=_vote_initial(row.my_vote), case_id=row.case.pk)
            )
            row.recuse_form = (
                posted if isinstance(posted, RecuseForm) else RecuseForm(case_id=row.case.pk)
            )
        elif posted is not None and not isinstance(posted, MeetingVotesForm):
            # The form cannot be shown any more: its messages stand at the case instead.
            row.errors = [*row.errors, *(e for errs in posted.errors.values() for e in errs)]
        if page.can_record_meeting_votes:
            row.meeting_form = (
                posted
                if isinstance(posted, MeetingVotesForm)
                else MeetingVotesForm(
                    initial=_meeting_initial(row.votes),
                    memberships=page.memberships,
                    case_id=row.case.pk,
                )
            )
    takes_attendance = page.is_open and page.is_meeting and page.can_manage
    if attendance_form is None and takes_attendance:
        attendance_form = AttendanceForm(
            initial={"attendees": sorted(page.attendees)}, memberships=page.memberships
        )
    context = {
        "ballot": ballot,
        "committee": ballot.committee,
        "is_open": page.is_open,
        "is_meeting": page.is_meeting,
        "deadline_passed": page.deadline_passed,
        "can_vote": page.can_vote,
        "is_member": page.is_member,
        "cases": page.cases,
        "member_rows": page.member_rows,
        "members_done": page.members_done,
        "attendance_form": attendance_form if takes_attendance else None,
        "can_close": page.can_close,
        "close_errors": close_errors or [],
        "can_manage": page.can_manage,
        "can_record_meeting_votes": page.can_record_meeting_votes,
        # The close's preview: what the rules decide on each case with the votes so far.
        "close_preview": [(row.case, row.preview) for row in page.cases],
        "close_without_quorum": [
            row.case for row in page.cases if row.preview is not None and not row.preview.quorum_met
        ],
    }
    return render(request, "committees/ballot_detail.html", context, status=status)


@login_required
@require_safe
def ballot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_ballot_detail(request, _readable_ballot(request, pk))


def _case_of(request: HttpRequest, pk: int, case_pk: int) -> tuple[Ballot, BallotCase]:
    ballot = _ballot_for(request, pk)
    case = get_object_or_404(ballot.cases.select_related("application"), pk=case_pk)
    return ballot, case


@login_required
@require_POST
def vote_cast(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    ballot, case = _case_of(request, pk, case_pk)
    form = VoteForm(request.POST, case_id=case.pk)
    if form.is_valid():
        try:
            services.vote_cast(case=case, member=request.user, **form.cleaned_data)
        except PermissionDenied:
            # Not a member on the ballot's day: the case does not exist for them.
            raise Http404 from None
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _(
                    "Your vote on %(reference)s is recorded. You can change it until the "
                    "ballot closes."
                )
                % {"reference": case.application.reference},
            )
            return redirect(_detail_url(ballot, case))
    elif not request.user.has_perm("committees.vote", ballot):
        raise Http404
    ballot.refresh_from_db()
    return render_ballot_detail(request, ballot, status=400, bound={case.pk: form})


@login_required
@require_POST
def case_recuse(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    ballot, case = _case_of(request, pk, case_pk)
    form = RecuseForm(request.POST, case_id=case.pk)
    if form.is_valid():
        try:
            services.case_recuse(case=case, member=request.user, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _(
                    "Your conflict of interest on %(reference)s is recorded: you do not vote "
                    "on this case and do not count for its quorum."
                )
                % {"reference": case.application.reference},
            )
            return redirect(_detail_url(ballot, case))
    elif not request.user.has_perm("committees.vote", ballot):
        raise Http404
    ballot.refresh_from_db()
    return render_ballot_detail(request, ballot, status=400, bound={case.pk: form})


@login_required
@require_POST
def ballot_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot_for(request, pk)
    if not request.user.has_perm("committees.manage_ballots"):
        raise PermissionDenied
    if ballot.kind != Ballot.Kind.MEETING or ballot.status != Ballot.Status.OPEN:
        # Attendance belongs to an open meeting; after the close it is part of the minutes.
        messages.error(
            request,
            _(
                "Attendance can be recorded only for a meeting, and only until the ballot "
                "is closed."
            ),
        )
        return redirect(_detail_url(ballot))
    memberships = list(
        selectors.memberships_on(committee=ballot.committee, day=selectors.ballot_day(ballot))
    )
    form = AttendanceForm(request.POST, memberships=memberships)
    if form.is_valid():
        try:
            services.ballot_set_attendance(
                ballot=ballot, attendees=list(form.cleaned_data["attendees"]), actor=request.user
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(request, _("The attendance is saved."))
            return redirect(_detail_url(ballot) + "#attendance")
    return render_ballot_detail(request, ballot, status=400, attendance_form=form)


@login_required
@require_POST
def meeting_votes_record(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """The office records how the members voted on a case at a meeting held in a room."""
    ballot, case = _case_of(request, pk, case_pk)
    if not request.user.has_perm("committees.record_meeting_votes", ballot):
        raise PermissionDenied
    if ballot.kind != Ballot.Kind.MEETING or ballot.status != Ballot.Status.OPEN:
        # Online votes are the members' own; after the close the votes are the minutes.
        messages.error(
            request,
            _(
                "Votes are recorded for a meeting held in a room only, and only until the "
                "ballot is closed."
            ),
        )
        return redirect(_detail_url(ballot))
    memberships = list(
        selectors.memberships_on(committee=ballot.committee, day=selectors.ballot_day(ballot))
    )
    form = MeetingVotesForm(request.POST, memberships=memberships, case_id=case.pk)
    if form.is_valid():
        try:
            # All of the case's votes or none: a refused one must not leave half recorded.
            with transaction.atomic():
                for member, choice in form.recorded():
                    services.meeting_vote_record(
                        case=case,
                        member=member,
                        choice=choice,
                        conditions=form.cleaned_data["conditions"],
                        actor=request.user,
                    )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _(
                    "The votes of the meeting on %(reference)s are recorded. The committee's "
                    "rules decide when you close the ballot."
                )
                % {"reference": case.application.reference},
            )
            return redirect(_detail_url(ballot, case))
    ballot.refresh_from_db()
    return render_ballot_detail(request, ballot, status=400, bound={case.pk: form})


@login_required
@require_POST
def ballot_close(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot_for(request, pk)
    if not request.user.has_perm("committees.close_ballot", ballot):
        raise PermissionDenied(
            _("Only the chair of the committee or the microfinancier's office can close a ballot.")
        )
    was_open = ballot.status == Ballot.Status.OPEN
    if was_open and request.POST.get("confirm") != "yes":
        # Closing decides for good: only after the preview of each case's result was shown.
        return render_ballot_detail(
            request,
            ballot,
            status=400,
            close_errors=[
                _(
                    "Please read what each case's result would be and confirm the close with "
                    "the button below."
                )
            ],
        )
    try:
        ballot = services.ballot_close(ballot=ballot, actor=request.user)
    except ValidationError as e:
        return render_ballot_detail(request, ballot, status=400, close_errors=e.messages)
    if was_open:
        messages.success(
            request,
            _(
                "The ballot is closed. Each case is decided by the committee's rules: the "
                "results are below and the minutes are ready."
            ),
        )
    else:
        messages.info(request, _("This ballot was already closed."))
    return redirect(_detail_url(ballot))


@login_required
@require_safe
def ballot_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _readable_ballot(request, pk)
    if ballot.status != Ballot.Status.CLOSED:
        # The minutes exist only once the ballot is closed.
        raise Http404
    from . import pdf

    response = HttpResponse(pdf.minutes_pdf(ballot=ballot), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=pdf.minutes_filename(ballot)
    )
    # Personal data: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
