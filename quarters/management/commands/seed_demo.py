"""Build the demo network of DOMAIN.md: seven municipalities, their quarters and liability funds,
the partners' start capital, one award committee per quarter and one login per role.

Idempotent: every object is looked up by its natural key (slug, name, email,
(fund, partner, paid_on)) and created only if missing. Nothing that exists is changed (not
even a password), so a second run changes nothing and edits made to the demo data survive;
only objects someone deleted come back.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils.text import slugify
from django_scopes import scopes_disabled

from committees.models import Committee, CommitteeMembership
from miqua.accounts.models import Role, User
from miqua.accounts.scoping import visible_quarter_ids
from quarters.models import FundContribution, LiabilityFund, Municipality, Organisation, Quarter

PASSWORD = "miqua-demo"  # noqa: S105 -- the published demo password, printed below
LEVERAGE_FACTOR = Decimal("5.00")
# The members of the Offenbach committee sit on it since the network started.
MEMBERSHIP_START = datetime.date(2009, 1, 1)

Kind = Organisation.Kind
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Contribution:
    partner: str
    amount: Decimal
    paid_on: datetime.date


@dataclass(frozen=True)
class QuarterSpec:
    name: str
    # How people name the quarter on its own ("Duisburg-Hochfeld"); names fund and committee.
    label: str
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class MunicipalitySpec:
    name: str
    slug: str
    # Partner organisations of this municipality: (name, kind).
    partners: tuple[tuple[str, str], ...]
    quarters: tuple[QuarterSpec, ...]


@dataclass(frozen=True)
class UserSpec:
    email: str
    full_name: str
    role: Role
    organisation: str | None = None
    municipality: str | None = None  # slug
    advised_quarters: tuple[str, ...] = ()  # slugs
    committees: tuple[str, ...] = ()  # committee names
    is_superuser: bool = False


def _c(partner: str, amount: str, year: int, month: int, day: int) -> Contribution:
    return Contribution(partner, Decimal(amount), datetime.date(year, month, day))


# Network-wide organisations.
NETWORK_ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("KIZ", Kind.MICROFINANCIER),
    ("GLS Bank", Kind.BANK),
)

# The demo network. Start capital per fund lies between 20,000 and 25,000 EUR; Offenbach's
# partners paid in first (February 2009), the other quarters followed during 2009.
NETWORK: tuple[MunicipalitySpec, ...] = (
    MunicipalitySpec(
        name="Offenbach am Main",
        slug="offenbach",
        partners=(
            ("Stadt Offenbach", Kind.CITY),
            ("Sparkasse Offenbach", Kind.SAVINGS_BANK),
            ("IHK Offenbach", Kind.CHAMBER),
            ("GBO", Kind.HOUSING),
            ("Jobcenter Offenbach", Kind.JOBCENTER),
        ),
        quarters=(
            QuarterSpec(
                "Östliche Innenstadt",
                "Offenbach östliche Innenstadt",
                (
                    _c("Stadt Offenbach", "7500.00", 2009, 2, 2),
                    _c("Sparkasse Offenbach", "7500.00", 2009, 2, 2),
                    _c("IHK Offenbach", "5000.00", 2009, 2, 16),
                    _c("GBO", "5000.00", 2009, 3, 2),
                ),
            ),
        ),
    ),
    MunicipalitySpec(
        name="Duisburg",
        slug="duisburg",
        partners=(
            ("Stadt Duisburg", Kind.CITY),
            ("Sparkasse Duisburg", Kind.SAVINGS_BANK),
            ("EG DU", Kind.ECONOMIC_DEVELOPMENT),
            ("Jobcenter Duisburg", Kind.JOBCENTER),
        ),
        quarters=(
            QuarterSpec(
                "Hochfeld",
                "Duisburg-Hochfeld",
                (
                    _c("Stadt Duisburg", "10000.00", 2009, 5, 4),
                    _c("Sparkasse Duisburg", "7500.00", 2009, 5, 4),
                    _c("EG DU", "5000.00", 2009, 6, 1),
                ),
            ),
            QuarterSpec(
                "Marxloh",
                "Duisburg-Marxloh",
                (
                    _c("Stadt Duisburg", "10000.00", 2009, 9, 1),
                    _c("Sparkasse Duisburg", "7500.00", 2009, 9, 1),
                    _c("EG DU", "2500.00", 2009, 9, 15),
                ),
            ),
        ),
    ),
    MunicipalitySpec(
        name="Gelsenkirchen",
        slug="gelsenkirchen",
        partners=(
            ("Stadt Gelsenkirchen", Kind.CITY),
            ("Jobcenter Gelsenkirchen", Kind.JOBCENTER),
        ),
        quarters=(
            QuarterSpec(
                "Süd-Ost",
                "Gelsenkirchen Süd-Ost",
                (
                    # The city paid its share in two instalments.
                    _c("Stadt Gelsenkirchen", "12500.00", 2009, 6, 15),
                    _c("Stadt Gelsenkirchen", "7500.00", 2009, 11, 2),
                ),
            ),
        ),
    ),
    MunicipalitySpec(
        name="Leipzig",
        slug="leipzig",
        partners=(
            ("Stadt Leipzig", Kind.CITY),
            ("Sparkasse Leipzig", Kind.SAVINGS_BANK),
            ("Jobcenter Leipzig", Kind.JOBCENTER),
        ),
        quarters=(
            QuarterSpec(
                "Eisenbahnstraße",
                "Leipzig Eisenbahnstraße",
                (
                    _c("Stadt Leipzig", "12500.00", 2009, 4, 1),
                    _c("Sparkasse Leipzig", "10000.00", 2009, 4, 1),
                ),
            ),
            QuarterSpec(
                "Grünau",
                "Leipzig-Grünau",
                (
                    _c("Stadt Leipzig", "11000.00", 2009, 10, 1),
                    _c("Sparkasse Leipzig", "10000.00", 2009, 10, 1),
                ),
            ),
        ),
    ),
    MunicipalitySpec(
        name="Kiel",
        slug="kiel",
        partners=(
            ("Landeshauptstadt Kiel", Kind.CITY),
            ("Jobcenter Kiel", Kind.JOBCENTER),
        ),
        quarters=(
            QuarterSpec(
                "Gaarden",
                "Kiel-Gaarden",
                (_c("Landeshauptstadt Kiel", "21500.00", 2009, 7, 1),),
            ),
        ),
    ),
    MunicipalitySpec(
        name="Nürnberg",
        slug="nuernberg",
        partners=(
            ("Stadt Nürnberg", Kind.CITY),
            ("Jobcenter Nürnberg", Kind.JOBCENTER),
        ),
        quarters=(
            QuarterSpec(
                "Südstadt",
                "Nürnberg-Südstadt",
                (_c("Stadt Nürnberg", "20000.00", 2009, 9, 15),),
            ),
        ),
    ),
    MunicipalitySpec(
        name="Pforzheim",
        slug="pforzheim",
        partners=(
            ("Sparkasse Pforzheim", Kind.SAVINGS_BANK),
            ("GBE", Kind.HOUSING),
            ("Jobcenter Pforzheim", Kind.JOBCENTER),
        ),
        quarters=(
            QuarterSpec(
                "Weststadt",
                "Pforzheim-Weststadt",
                (
                    _c("Sparkasse Pforzheim", "12500.00", 2009, 11, 16),
                    _c("GBE", "10000.00", 2009, 12, 1),
                ),
            ),
        ),
    ),
)

USERS: tuple[UserSpec, ...] = (
    UserSpec("admin@miqua.example", "Sabine Albrecht", Role.ADMINISTRATOR, is_superuser=True),
    UserSpec("staff@kiz.example", "Michael Weber", Role.STAFF, organisation="KIZ"),
    UserSpec(
        "advisor.offenbach@miqua.example",
        "Julia Brandt",
        Role.ADVISOR,
        advised_quarters=("offenbach-oestliche-innenstadt",),
    ),
    UserSpec(
        "advisor.duisburg@miqua.example",
        "Elif Demir",
        Role.ADVISOR,
        advised_quarters=("duisburg-hochfeld", "duisburg-marxloh"),
    ),
    UserSpec(
        "committee.offenbach@miqua.example",
        "Thomas Schäfer",
        Role.COMMITTEE_MEMBER,
        organisation="Sparkasse Offenbach",
        committees=("Vergabeausschuss Offenbach östliche Innenstadt",),
    ),
    UserSpec(
        "city.leipzig@miqua.example",
        "Claudia Neumann",
        Role.MUNICIPALITY_VIEWER,
        municipality="leipzig",
    ),
)

# What each role does with the quarters it sees, for the table of demo logins.
SEES = {
    Role.ADMINISTRATOR: "everything, incl. the Django admin:",
    Role.STAFF: "back office of",
    Role.ADVISOR: "applications and borrowers of",
    Role.COMMITTEE_MEMBER: "votes on the applications of",
    Role.MUNICIPALITY_VIEWER: "aggregates only (no personal data) of",
}

_GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def quarter_slug(municipality_slug: str, quarter_name: str) -> str:
    """ "duisburg", "Hochfeld" -> "duisburg-hochfeld"; umlauts spelled out, as Germans do."""
    return f"{municipality_slug}-{slugify(quarter_name.translate(_GERMAN_LETTERS))}"


def committee_name(quarter: QuarterSpec) -> str:
    return f"Vergabeausschuss {quarter.label}"


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


class Command(BaseCommand):
    help = "Build the demo network (municipalities, quarters, funds, committees, demo logins)."

    def handle(self, *args: Any, **options: Any) -> None:
        seeder = Seeder()
        with scopes_disabled():
            with transaction.atomic():
                self._build_network(seeder)
                users = self._build_users(seeder)
            self._print_logins(users)
        if options["verbosity"] > 1:
            for label in sorted(seeder.created | seeder.present):
                self.stdout.write(
                    f"  {label}: {seeder.created[label]} created, "
                    f"{seeder.present[label]} already present"
                )
        created, present = seeder.created.total(), seeder.present.total()
        self.stdout.write(
            self.style.SUCCESS(f"created {created} objects, {present} already present")
        )

    def _build_network(self, seeder: Seeder) -> None:
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
                seeder.get_or_create(
                    Committee, name=committee_name(q), defaults={"quarter": quarter}
                )

    def _build_users(self, seeder: Seeder) -> list[User]:
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
                    organisation=(
                        Organisation.objects.get(name=spec.organisation)
                        if spec.organisation
                        else None
                    ),
                    municipality=(
                        Municipality.objects.get(slug=spec.municipality)
                        if spec.municipality
                        else None
                    ),
                )
            seeder.count(User, created=created)
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
                    defaults={"organisation": user.organisation},
                )
            users.append(user)
        return users

    def _print_logins(self, users: list[User]) -> None:
        quarters = {q.pk: str(q) for q in Quarter.objects.select_related("municipality")}
        rows = [("email", "role", "sees")]
        for user in users:
            ids = visible_quarter_ids(user)
            if ids is None:
                where = f"every quarter ({len(quarters)})"
            else:
                where = "; ".join(sorted(quarters[pk] for pk in ids)) or "no quarter"
            rows.append((user.email, str(Role(user.role).label), f"{SEES[user.role]} {where}"))
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        self.stdout.write("")
        self.stdout.write("Demo logins")
        for email, role, sees in rows:
            self.stdout.write(f"  {email.ljust(widths[0])}  {role.ljust(widths[1])}  {sees}")
        self.stdout.write(f"  password for all: {PASSWORD}")
        self.stdout.write("")
