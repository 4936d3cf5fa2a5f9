"""Award committees and their online votes.

A committee decides the applications of a quarter or of all quarters of a municipality. Staff
put prepared applications before it in a ballot: a meeting, or a written procedure online with
a deadline. Each member votes once per case (the database holds them to it); the result is
computed from the committee's rules when the ballot closes.
"""

import copy
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, get_scope
from django_scopes.manager import DisabledQuerySet


class CommitteeScopedManager(models.Manager):
    """django-scopes' `ScopedManager(quarter=...)` for a committee and what belongs to it.

    A committee decides for one quarter or for every quarter of a municipality, so it lies in
    the scope when its quarter is in it, or when its municipality holds a quarter that is.
    django-scopes' own manager can only filter `<path>__in=<ids>`, and a path through the
    municipality's quarters would be a join that repeats a committee once per quarter; this
    one filters the committee's two columns, the second against a subquery. Everything else is
    django-scopes' behaviour: the same `quarter` dimension, `None` for every quarter, a query
    outside a scope raises, `with_scope()` and `with_scopes_disabled()`.
    """

    # Where the committee is, seen from the model. A class attribute, not an argument: Django
    # builds the related managers (`committee.memberships`) from this class.
    path = ""

    def with_scope(self, **scope: Any) -> "CommitteeScopedManager":
        cloned = copy.copy(self)
        cloned._override_scope = {**scope, "_enabled": True}
        return cloned

    def with_scopes_disabled(self) -> "CommitteeScopedManager":
        cloned = copy.copy(self)
        cloned._override_scope = {"_enabled": False}
        return cloned

    def get_queryset(self) -> models.QuerySet:
        current = getattr(self, "_override_scope", None) or get_scope()
        if not current.get("_enabled", True):
            return super().get_queryset()
        if "quarter" not in current:
            return DisabledQuerySet(self.model, using=self._db, missing_scopes={"quarter"})
        quarter_ids = current["quarter"]
        if quarter_ids is None:
            return super().get_queryset()
        if not isinstance(quarter_ids, list | tuple):
            quarter_ids = [quarter_ids]
        return super().get_queryset().filter(self._covers(quarter_ids))

    def _covers(self, quarter_ids: list[int] | tuple[int, ...]) -> models.Q:
        from quarters.models import Quarter

        # The quarters' own table, unscoped: the ids are the scope's already.
        municipalities = Quarter._base_manager.filter(pk__in=quarter_ids).values("municipality_id")
        return models.Q(**{f"{self.path}quarter__in": quarter_ids}) | models.Q(
            **{f"{self.path}municipality__in": municipalities}
        )

    def all(self) -> models.QuerySet:
        # As django-scopes: `.all()` outside a scope raises at once.
        queryset = super().all()
        if isinstance(queryset, DisabledQuerySet):
            queryset = queryset.all()
        return queryset


class CommitteePartScopedManager(CommitteeScopedManager):
    """The same for what belongs to one committee: its memberships and its ballots."""

    path = "committee__"


class Committee(models.Model):
    """Decides the applications of one quarter, or of all quarters of one municipality."""

    name = models.CharField(_("name"), max_length=160, unique=True)
    quarter = models.ForeignKey(
        "quarters.Quarter",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="committees",
        null=True,
        blank=True,
    )
    municipality = models.ForeignKey(
        "quarters.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="committees",
        null=True,
        blank=True,
    )
    # The rules of the committee's decisions.
    quorum_percent = models.DecimalField(
        _("quorum: share of the eligible members to be exceeded (percent)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        help_text=_(
            "A case is decided only if more than this share of the members eligible on it "
            "take part (abstentions count as taking part, recused members are not eligible)."
        ),
    )
    tie_approves = models.BooleanField(
        _("a tie approves"),
        default=False,
        help_text=_("Default: as many yes as no votes is not an approval."),
    )

    objects = CommitteeScopedManager()

    class Meta:
        verbose_name = _("award committee")
        verbose_name_plural = _("award committees")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(quarter__isnull=False, municipality__isnull=True)
                    | models.Q(quarter__isnull=True, municipality__isnull=False)
                ),
                name="committee_belongs_to_quarter_or_municipality",
            ),
            models.CheckConstraint(
                condition=models.Q(quorum_percent__gte=0, quorum_percent__lt=100),
                name="committee_quorum_percent_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMembership(models.Model):
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="committee_memberships",
    )
    organisation = models.ForeignKey(
        "quarters.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="committee_memberships",
        null=True,
        blank=True,
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    starts_on = models.DateField(_("member since"))
    ends_on = models.DateField(_("member until"), null=True, blank=True)

    objects = CommitteePartScopedManager()

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee", "-is_chair", "member__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "member", "starts_on"], name="membership_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.committee}"


class Ballot(models.Model):
    """Applications put before a committee at once: a meeting or a written procedure."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        WRITTEN = "written", _("Written procedure online")

    class Status(models.TextChoices):
        OPEN = "open", _("Open for votes")
        CLOSED = "closed", _("Closed")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="ballots"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=160)
    meeting_on = models.DateTimeField(_("meeting on"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=160, blank=True)
    deadline = models.DateTimeField(_("votes until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("present"), related_name="+", blank=True
    )

    objects = CommitteePartScopedManager()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="written") | models.Q(deadline__isnull=False),
                name="ballot_written_has_deadline",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="meeting") | models.Q(meeting_on__isnull=False),
                name="ballot_meeting_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="ballot_closed_at_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BallotCase(models.Model):
    """One application on a ballot, and once closed, what the committee decided on it."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Open")
        APPROVED = "approved", _("Approved")
        APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("Approved with conditions")
        REJECTED = "rejected", _("Rejected")
        NO_QUORUM = "no_quorum", _("No quorum: to be put before the committee again")
        REFUSED_CAPACITY = "refused_capacity", _("Approved, but the fund's capacity was exhausted")

    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="cases"
    )
    application = models.ForeignKey(
        "credits.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="ballot_cases",
    )
    quarter = models.ForeignKey(
        "quarters.Quarter", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(
        _("result"), max_length=32, choices=Result.choices, default=Result.PENDING
    )
    # The ballot's status repeated on its cases, so that the database itself holds an
    # application to one open ballot at a time (a partial unique index cannot join).
    is_open = models.BooleanField(_("open"), default=True, editable=False)
    # Why: the counts and the rules applied, kept as they were at the close.
    reasoning = models.JSONField(_("reasoning"), default=dict, blank=True)
    conditions = models.TextField(_("conditions adopted"), blank=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["ballot", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "application"], name="case_once_per_ballot"),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(is_open=True),
                name="case_one_open_ballot_per_application",
                violation_error_message=_("This application is already on an open ballot."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot} – {self.application}"


class Vote(models.Model):
    """A member's vote on a case, or their declared conflict of interest (recused)."""

    class Choice(models.TextChoices):
        APPROVE = "approve", _("Yes")
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Yes, with conditions")
        REJECT = "reject", _("No")
        ABSTAIN = "abstain", _("Abstention")
        RECUSED = "recused", _("Conflict of interest: recused")

    case = models.ForeignKey(
        BallotCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="votes"
    )
    quarter = models.ForeignKey(
        "quarters.Quarter", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="votes",
    )
    choice = models.CharField(_("vote"), max_length=32, choices=Choice.choices)
    conditions = models.TextField(_("conditions"), max_length=4000, blank=True)
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    # Set when the office recorded the vote as given at a meeting in a room; empty when the
    # member voted online.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    cast_at = models.DateTimeField(_("cast at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = ScopedManager(quarter="quarter")

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["case", "cast_at"]
        constraints = [
            # One vote per member per case, whatever the code above it does.
            models.UniqueConstraint(fields=["case", "member"], name="vote_once_per_member"),
            models.CheckConstraint(
                condition=~models.Q(choice="approve_with_conditions") | ~models.Q(conditions=""),
                name="vote_conditions_written_out",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.get_choice_display()}"
