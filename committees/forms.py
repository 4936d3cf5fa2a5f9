"""The forms of the committee pages: putting applications before a committee, a vote, a
declared conflict of interest and the attendance of a meeting.

Plain forms: they read what was typed; the services decide, and their messages are shown at
the fields (`miqua.forms.apply_validation_error`).
"""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credits.models import Application
from miqua.accounts.models import User
from miqua.forms import DateInput

from .models import Ballot, Committee, CommitteeMembership, Vote
from .services import ballot_schedule_errors

C = Vote.Choice

# What a member can vote; a conflict of interest is declared with its own form.
VOTE_CHOICES = [
    (C.APPROVE, C.APPROVE.label),
    (C.APPROVE_WITH_CONDITIONS, C.APPROVE_WITH_CONDITIONS.label),
    (C.REJECT, C.REJECT.label),
    (C.ABSTAIN, C.ABSTAIN.label),
]


class TimeInput(forms.TimeInput):
    """The browser's time picker; it submits "18:00", which Django accepts in every language."""

    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def _moment(day: datetime.date | None, time: datetime.time | None) -> datetime.datetime | None:
    if day is None or time is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, time))


class CommitteeFilterForm(forms.Form):
    """The back office's list of ballots, narrowed to one committee."""

    committee = forms.ModelChoiceField(
        label=_("Committee"),
        queryset=Committee.objects.none(),
        required=False,
        empty_label=_("All committees"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Committees are scoped: the choices are read in the request's scope, not at import.
        self.fields["committee"].queryset = Committee.objects.all()


class BallotCreateForm(forms.Form):
    """Step 2 of putting applications before a committee (step 1 chose the committee)."""

    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Please choose at least one application."),
            "invalid_choice": _(
                "One of the chosen applications can no longer be put before this committee: "
                "it was put on another ballot or its status changed. Please choose again."
            ),
            "invalid_pk_value": _("Please choose the applications from the list."),
        },
    )
    kind = forms.ChoiceField(
        label=_("How does the committee decide?"),
        choices=Ballot.Kind.choices,
        widget=forms.RadioSelect,
        initial=Ballot.Kind.WRITTEN,
        error_messages={"required": _("Please choose a meeting or a written procedure.")},
    )
    deadline_date = forms.DateField(
        label=_("Votes until (date)"), required=False, widget=DateInput()
    )
    deadline_time = forms.TimeField(
        label=_("Votes until (time)"),
        required=False,
        widget=TimeInput(),
        initial=datetime.time(18, 0),
    )
    meeting_date = forms.DateField(
        label=_("Date of the meeting"), required=False, widget=DateInput()
    )
    meeting_time = forms.TimeField(
        label=_("Time of the meeting"),
        required=False,
        widget=TimeInput(),
        initial=datetime.time(17, 0),
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=160,
        required=False,
        help_text=_("e.g. Quartiersbüro, Bieberer Straße 12"),
    )
    title = forms.CharField(label=_("Title"), max_length=160, required=False)

    SCHEDULE_FIELDS = ("deadline_date", "deadline_time", "meeting_date", "meeting_time")
    # The service's names for the dates -> the field that shows its message.
    SCHEDULE_FIELDS_OF = {"deadline": "deadline_date", "meeting_on": "meeting_date"}

    def __init__(self, *args: Any, ready: QuerySet[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = ready
        self.fields["deadline_date"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        # Only the dates of the chosen kind count; the other part of the form may hold anything.
        if kind == Ballot.Kind.WRITTEN:
            if data.get("deadline_date") is None and "deadline_date" not in self.errors:
                self.add_error(
                    "deadline_date",
                    _("Please enter the date until which the members can vote."),
                )
            if data.get("deadline_time") is None and "deadline_time" not in self.errors:
                self.add_error("deadline_time", _("Please enter the time, e.g. 18:00."))
        elif kind == Ballot.Kind.MEETING:
            if data.get("meeting_date") is None and "meeting_date" not in self.errors:
                self.add_error("meeting_date", _("Please enter the date of the meeting."))
            if data.get("meeting_time") is None and "meeting_time" not in self.errors:
                self.add_error("meeting_time", _("Please enter the time, e.g. 17:00."))
        data["deadline"] = _moment(data.get("deadline_date"), data.get("deadline_time"))
        data["meeting_on"] = _moment(data.get("meeting_date"), data.get("meeting_time"))
        # The service's rule for the dates, asked now, so that its message comes with the
        # form's own (say, no application chosen) instead of one round later.
        if kind and not any(f in self.errors for f in self.SCHEDULE_FIELDS):
            for field, message in ballot_schedule_errors(
                kind=kind, deadline=data["deadline"], meeting_on=data["meeting_on"]
            ).items():
                self.add_error(self.SCHEDULE_FIELDS_OF[field], message)
        return data


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"),
        choices=VOTE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose your vote."),
            "invalid_choice": _("Please choose your vote."),
        },
    )
    conditions = forms.CharField(
        label=_("Conditions (only with “Approve with conditions”)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Write each condition so that the borrower and the bank can check it, e.g. "
            "“Proof of the business registration before the payout”."
        ),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The other members see it after the close; it goes into the minutes."),
    )

    def __init__(self, *args: Any, case_id: int, **kwargs: Any) -> None:
        # One form per case on the page: each needs its own element ids.
        kwargs.setdefault("auto_id", f"case-{case_id}-%s")
        super().__init__(*args, **kwargs)


class RecuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. “The applicant is my neighbour.” It goes into the minutes."),
    )

    def __init__(self, *args: Any, case_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"recuse-{case_id}-%s")
        super().__init__(*args, **kwargs)


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args: Any, memberships: list[CommitteeMembership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._organisations = {
            m.member_id: m.organisation or m.member.organisation for m in memberships
        }

    def label_from_instance(self, obj: User) -> str:
        organisation = self._organisations.get(obj.pk)
        name = obj.full_name or obj.email
        return f"{name} ({organisation})" if organisation else name


class AttendanceForm(forms.Form):
    """Who was present at a meeting: the members on the meeting's day, ticked."""

    def __init__(self, *args: Any, memberships: list[CommitteeMembership], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "attendance-%s")
        super().__init__(*args, **kwargs)
        self.fields["attendees"] = MemberChoiceField(
            label=_("Present at the meeting"),
            queryset=User.objects.filter(pk__in=[m.member_id for m in memberships]),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            error_messages={
                "invalid_choice": _("Only members of the committee can be present."),
            },
            memberships=memberships,
        )


# What the office can record of a member at a meeting: their vote, or their declared conflict.
MEETING_CHOICES = [("", _("– not recorded –")), *VOTE_CHOICES, (C.RECUSED, C.RECUSED.label)]


class MeetingVotesForm(forms.Form):
    """How each member voted on one case at a meeting held in a room, as the office records
    it: one choice per member of the meeting's day (empty: not recorded)."""

    conditions = forms.CharField(
        label=_("Conditions (for a yes with conditions)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, memberships: list[CommitteeMembership], case_id: int, **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", f"meeting-{case_id}-%s")
        super().__init__(*args, **kwargs)
        self.members: dict[str, User] = {}
        for membership in memberships:
            name = f"member_{membership.member_id}"
            self.members[name] = membership.member
            self.fields[name] = forms.ChoiceField(
                label=str(membership.member),
                choices=MEETING_CHOICES,
                required=False,
            )
        # The conditions last, below the members.
        self.order_fields([*self.members, "conditions"])

    def member_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.members]

    def recorded(self) -> list[tuple[User, str]]:
        return [
            (member, self.cleaned_data[name])
            for name, member in self.members.items()
            if self.cleaned_data.get(name)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in self.members):
            raise forms.ValidationError(_("Please record the vote of at least one member."))
        return data
