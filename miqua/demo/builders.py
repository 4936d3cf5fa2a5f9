"""Make the demo of the specs in this package, idempotently.

Every object is looked up by its natural key (slug, name, email, (fund, partner, paid_on) of a
contribution, (quarter, names, date of birth) of a borrower, contract number or the person's
n-th loan for a loan) and created only if missing. Nothing that exists is changed (not even a
password), so a second run changes nothing and edits made to the demo data survive; only
objects someone deleted come back.

The applications are made the way people make them: through the services, with the advisor
entering and submitting, the back office preparing, and the committee deciding on a ballot (a
meeting the office records), so their transitions, audit entries and rules are real. Each is
keyed on its quarter, its borrower's names and date of birth and its business name; one that
exists is skipped entirely, and counts as one object (its borrower, guarantors and steps go
with it). The ballots are made
the same way, through the committee services (open, vote, close), keyed on committee and
title, and count as one object with their cases and votes; one whose applications are no
longer ready for the committee is left out with a warning. The network and the users are
written directly without audit entries. The loans (the history of 2009 to autumn 2012 and
today's) are paid out, repaid and defaulted through the loan services
(`miqua.demo.loan_builders`).
"""

import datetime
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from committees import selectors as committee_selectors
from committees import services as committee_services
from committees.models import Ballot, Committee, CommitteeMembership, Vote
from credits import services as credit_services
from credits.models import Application, LoanProduct
from credits.workflow import COMMITTEE_DECISIONS, TRANSITIONS
from guarantors import selectors as guarantor_selectors
from guarantors import services as guarantor_services
from miqua.accounts.models import Role, User
from monitoring import services as monitoring_services
from monitoring.models import MonthlyCheck
from quarters.models import FundContribution, LiabilityFund, Municipality, Organisation, Quarter

from .applications import DEMO_APPLICATIONS, DemoApplication, Step
from .ballots import BALLOTS, BallotSpec
from .loan_builders import build_loans
from .loan_history import history, present_loans
from .loans import PRODUCT_NAME, PRODUCT_TERMS
from .network import (
    LEVERAGE_FACTOR,
    NETWORK,
    NETWORK_ORGANISATIONS,
    committee_name,
    quarter_slug,
)
from .users import MEMBERSHIP_START, PASSWORD, STAFF_EMAIL, USERS

M = TypeVar("M", bound=models.Model)


class Seeder:
    """get_or_create that keeps score of what was created and what was already there."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.present: Counter[str] = Counter()

    def get_or_create(
        self, model: type[M], *, defaults: dict[str, Any] | None = None, **key: Any
    ) -> M:
        obj, created = model._default_manager.get_or_create(defaults=defaults, **key)
        self.count(model, created=created)
        return obj

    def link(self, manager: Any, obj: models.Model, *, label: str) -> None:
        """Add obj to a many-to-many relation unless it is already there."""
        exists = manager.filter(pk=obj.pk).exists()
        if not exists:
            manager.add(obj)
        self._count_label(label, created=not exists)

    def count(self, model: type[models.Model], *, created: bool) -> None:
        self._count_label(model._meta.label_lower, created=created)

    def _count_label(self, label: object, *, created: bool) -> None:
        (self.created if created else self.present)[str(label)] += 1


@transaction.atomic
def build_demo(seeder: Seeder, *, warn: Callable[[str], None]) -> list[User]:
    """The whole demo, in one transaction; returns the demo users in the order of USERS.

    Runs outside a scope (the caller's `scopes_disabled()`): it builds every quarter."""
    build_network(seeder)
    users = build_users(seeder)
    build_product(seeder)
    build_loans(seeder, history(), today=timezone.localdate())
    build_loans(seeder, present_loans(timezone.localdate()), today=timezone.localdate())
    build_applications(seeder)
    build_ballots(seeder, warn=warn)
    build_checks(seeder, today=timezone.localdate())
    return users


def build_checks(seeder: Seeder, *, today: datetime.date) -> None:
    """The monthly checks of the demo's history, every 15th from the first payout to today, as
    the schedule would have recorded them: the check pages show the months from the first
    start. The catch-up books only the months not yet checked, so a second run adds none."""
    present = MonthlyCheck.objects.count()
    monitoring_services.monthly_checks_catch_up(today=today)
    seeder.created[MonthlyCheck._meta.label_lower] += MonthlyCheck.objects.count() - present
    seeder.present[MonthlyCheck._meta.label_lower] += present


def build_network(seeder: Seeder) -> None:
    for name, kind in NETWORK_ORGANISATIONS:
        seeder.get_or_create(Organisation, name=name, defaults={"kind": kind})
    for spec in NETWORK:
        municipality = seeder.get_or_create(
            Municipality, slug=spec.slug, defaults={"name": spec.name}
        )
        partners = {
            name: seeder.get_or_create(
                Organisation,
                name=name,
                defaults={"kind": kind, "municipality": municipality},
            )
            for name, kind in spec.partners
        }
        for q in spec.quarters:
            quarter = seeder.get_or_create(
                Quarter,
                slug=quarter_slug(spec.slug, q.name),
                defaults={"municipality": municipality, "name": q.name},
            )
            fund = seeder.get_or_create(
                LiabilityFund,
                quarter=quarter,
                defaults={
                    "name": f"Lokaler Haftungsfonds {q.label}",
                    "leverage_factor": LEVERAGE_FACTOR,
                },
            )
            for c in q.contributions:
                # Plain ORM, not `contribution_record`: that service checks the permission
                # of an acting user (the seed has none) and is meant for payments recorded
                # as they come in. The seed writes history, so it has no audit entries.
                seeder.get_or_create(
                    FundContribution,
                    fund=fund,
                    partner=partners[c.partner],
                    paid_on=c.paid_on,
                    defaults={"amount": c.amount, "note": "Startkapital"},
                )
            seeder.get_or_create(Committee, name=committee_name(q), defaults={"quarter": quarter})


def build_users(seeder: Seeder) -> list[User]:
    users = []
    for spec in USERS:
        user = User.objects.filter(email=spec.email).first()
        created = user is None
        if user is None:
            # The password is set on creation only: a demo user who changed it keeps it.
            user = User.objects.create_user(
                spec.email,
                PASSWORD,
                full_name=spec.full_name,
                role=spec.role,
                language="de",
                is_superuser=spec.is_superuser,
                mfa_exempt=True,
                organisation=(
                    Organisation.objects.get(name=spec.organisation) if spec.organisation else None
                ),
                municipality=(
                    Municipality.objects.get(slug=spec.municipality) if spec.municipality else None
                ),
            )
        seeder.count(User, created=created)
        # The demo's password is published: a newcomer signs in with it alone, also where
        # staff otherwise need a second factor (also for a database seeded before).
        if not user.mfa_exempt:
            user.mfa_exempt = True
            user.save(update_fields=["mfa_exempt"])
        for slug in spec.advised_quarters:
            seeder.link(
                user.advised_quarters,
                Quarter.objects.get(slug=slug),
                label="accounts.user_advised_quarters",
            )
        for name in spec.committees:
            seeder.get_or_create(
                CommitteeMembership,
                committee=Committee.objects.get(name=name),
                member=user,
                starts_on=MEMBERSHIP_START,
                defaults={"organisation": user.organisation, "is_chair": name in spec.chairs},
            )
        users.append(user)
    return users


def build_product(seeder: Seeder) -> None:
    exists = LoanProduct.objects.filter(name=PRODUCT_NAME, quarter__isnull=True).exists()
    if not exists:
        # Only one network product can be active; one set up by hand stays the active one.
        other_active = LoanProduct.objects.filter(is_active=True, quarter__isnull=True)
        LoanProduct.objects.create(
            name=PRODUCT_NAME, is_active=not other_active.exists(), **PRODUCT_TERMS
        )
    seeder.count(LoanProduct, created=not exists)


def build_applications(seeder: Seeder) -> None:
    staff = User.objects.get(email=STAFF_EMAIL)
    for spec in DEMO_APPLICATIONS:
        quarter = Quarter.objects.get(slug=spec.quarter)
        person = spec.borrower
        exists = Application.objects.filter(
            quarter=quarter,
            borrower__first_name=person["first_name"],
            borrower__last_name=person["last_name"],
            borrower__date_of_birth=person["date_of_birth"],
            business_name=spec.application["business_name"],
            # A loan of the history may have been for the same business (Nuray Aksoy's first).
            loan__isnull=True,
        ).exists()
        if not exists:
            make_application(spec, quarter, User.objects.get(email=spec.advisor), staff)
        seeder.count(Application, created=not exists)


def make_application(spec: DemoApplication, quarter: Quarter, advisor: User, staff: User) -> None:
    """The application of `spec`, entered by the advisor and taken through its steps."""
    application = credit_services.application_create(
        quarter=quarter, borrower_data=spec.borrower, actor=advisor
    )
    credit_services.application_update(
        application=application, data=spec.application, actor=advisor
    )
    for g in spec.guarantees:
        # A guarantor the quarter knows already (the application was deleted and is seeded
        # again) is chosen from the list, as the advisor would: the service refuses a second
        # record of the same person.
        known = guarantor_selectors.known_guarantor(
            quarter=quarter, first_name=g.first_name, last_name=g.last_name
        )
        new_guarantor = {
            "first_name": g.first_name,
            "last_name": g.last_name,
            "phone": g.phone,
            "city": spec.borrower["city"],
        }
        guarantor_services.guarantee_add(
            application=application,
            relation=g.relation,
            amount=g.amount,
            actor=advisor,
            guarantor=known,
            guarantor_data=None if known else new_guarantor,
        )
    for step in spec.steps:
        if step.name == "present":
            # Putting it before the committee means putting it on a ballot: the decision step
            # that follows (or a ballot of BALLOTS) does that.
            continue
        if step.name in COMMITTEE_DECISIONS:
            decide_at_a_meeting(application, step, staff)
            continue
        actor = advisor if Role.ADVISOR in TRANSITIONS[step.name].roles else staff
        if step.name == "prepare":
            credit_services.application_prepare(
                application=application,
                staff_assessment=spec.staff_assessment,
                recommendation=spec.recommendation,
                actor=staff,
            )
        application = credit_services.application_transition(
            application=application,
            name=step.name,
            actor=actor,
            comment=step.comment,
            conditions=step.conditions,
            outcome=step.outcome,
            outcome_note=step.outcome_note,
        )


# How the members voted at the meeting that took a demo decision.
MEETING_VOTES = {
    "approve": Vote.Choice.APPROVE,
    "approve_with_conditions": Vote.Choice.APPROVE_WITH_CONDITIONS,
    "reject": Vote.Choice.REJECT,
    "defer": Vote.Choice.ABSTAIN,
}


def decide_at_a_meeting(application: Application, step: Step, staff: User) -> None:
    """Only the committee decides: the office records the meeting of the application's
    committee as a ballot, every member voting as the decision says, and closes it; the rules
    then decide as they would online."""
    committee = committee_selectors.committees_for_application(application=application).first()
    ballot = committee_services.ballot_open(
        committee=committee,
        kind=Ballot.Kind.MEETING,
        title=f"Sitzung zu {application.business_name}",
        applications=[application],
        actor=staff,
        meeting_on=timezone.now(),
        location="Quartiersbüro",
    )
    case = ballot.cases.get()
    for member in committee_selectors.ballot_members(ballot=ballot):
        committee_services.meeting_vote_record(
            case=case,
            member=member,
            choice=MEETING_VOTES[step.name],
            conditions=step.conditions,
            comment=step.comment,
            actor=staff,
        )
    committee_services.ballot_close(ballot=ballot, actor=staff)


def build_ballots(seeder: Seeder, *, warn: Callable[[str], None]) -> None:
    staff = User.objects.get(email=STAFF_EMAIL)
    for spec in BALLOTS:
        committee = Committee.objects.get(name=spec.committee)
        exists = Ballot.objects.filter(committee=committee, title=spec.title).exists()
        if not exists and make_ballot(spec, committee, staff, warn=warn) is None:
            continue
        seeder.count(Ballot, created=not exists)


def make_ballot(
    spec: BallotSpec, committee: Committee, staff: User, *, warn: Callable[[str], None]
) -> Ballot | None:
    """The ballot of `spec`: opened by the back office, voted on by the members, closed if the
    spec says so. None (with a warning) if its applications are no longer ready for it."""
    ready = committee_selectors.ready_for_committee(committee=committee)
    applications = [ready.filter(business_name=c.business_name).first() for c in spec.cases]
    if None in applications:
        # Decided since, or on another open ballot: the ballot cannot be made again.
        warn(
            f"Ballot “{spec.title}” left out: its applications are no longer ready for "
            "the committee."
        )
        return None
    written = spec.kind == Ballot.Kind.WRITTEN
    deadline_day = timezone.localdate() + datetime.timedelta(days=spec.days)
    ballot = committee_services.ballot_open(
        committee=committee,
        kind=spec.kind,
        title=spec.title,
        applications=applications,
        actor=staff,
        deadline=(
            timezone.make_aware(datetime.datetime.combine(deadline_day, datetime.time(18)))
            if written
            else None
        ),
        meeting_on=None if written else timezone.now().replace(second=0, microsecond=0),
        location=spec.location,
    )
    for case_spec, application in zip(spec.cases, applications, strict=True):
        case = ballot.cases.get(application=application)
        for vote in case_spec.votes:
            member = User.objects.get(email=vote.member)
            if vote.choice == Vote.Choice.RECUSED:
                committee_services.case_recuse(case=case, member=member, reason=vote.comment)
            else:
                committee_services.vote_cast(
                    case=case,
                    member=member,
                    choice=vote.choice,
                    conditions=vote.conditions,
                    comment=vote.comment,
                )
    if spec.present:
        committee_services.ballot_set_attendance(
            ballot=ballot,
            attendees=list(User.objects.filter(email__in=spec.present)),
            actor=staff,
        )
    if spec.closed:
        ballot = committee_services.ballot_close(ballot=ballot, actor=staff)
    return ballot
