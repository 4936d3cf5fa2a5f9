"""Build the demo network of DOMAIN.md: seven municipalities, their quarters and liability funds,
the partners' start capital, one award committee per quarter, one login per role, the network's
loan product, some loans of the past (running and repaid), a handful of applications in every
state of the workflow, and the committees' votes: an open written procedure in Offenbach with a
few votes cast, and a closed meeting in Duisburg-Marxloh with its minutes.

Idempotent: every object is looked up by its natural key (slug, name, email,
(fund, partner, paid_on), (quarter, names, date of birth) of a borrower, (borrower, paid out on)
of a loan) and created only if missing. Nothing that exists is changed (not even a password),
so a second run changes nothing and edits made to the demo data survive; only objects someone
deleted come back.

The applications are made the way people make them: through the services, with the advisor
entering and submitting and the back office preparing, presenting and recording the decision,
so their transitions, audit entries and rules are real. Each is keyed on its quarter, its
borrower's names and date of birth and its business name; one that exists is skipped entirely,
and counts as one object (its borrower, guarantors and steps go with it). The ballots are made
the same way, through the committee services (open, vote, close), keyed on committee and
title, and count as one object with their cases and votes; one whose applications are no
longer ready for the committee is left out with a warning. The loans of the past
are history, written directly like the contributions, without audit entries; they belong to the
period of the brochure (2009 to autumn 2012).
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify
from django_scopes import scopes_disabled

from committees import selectors as committee_selectors
from committees import services as committee_services
from committees.models import Ballot, Committee, CommitteeMembership, Vote
from credits import services as credit_services
from credits.models import Application, Borrower, Loan, LoanProduct
from credits.workflow import TRANSITIONS
from miqua.accounts.models import Role, User
from miqua.accounts.scoping import visible_quarter_ids
from quarters.models import FundContribution, LiabilityFund, Municipality, Organisation, Quarter

PASSWORD = "miqua-demo"  # noqa: S105 -- the published demo password, printed below
LEVERAGE_FACTOR = Decimal("5.00")
DISCARD_MAIL = "django.core.mail.backends.dummy.EmailBackend"
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
    chairs: tuple[str, ...] = ()  # those of `committees` the user chairs
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

COMMITTEE_OF = "Vergabeausschuss Offenbach östliche Innenstadt"
COMMITTEE_MARXLOH = "Vergabeausschuss Duisburg-Marxloh"

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
    # The Offenbach committee: one member from each partner of the fund and the Jobcenter.
    # The demo's committee login is an ordinary member (it votes in the browser test); the
    # city's member chairs.
    UserSpec(
        "committee.offenbach@miqua.example",
        "Thomas Schäfer",
        Role.COMMITTEE_MEMBER,
        organisation="Sparkasse Offenbach",
        committees=(COMMITTEE_OF,),
    ),
    UserSpec(
        "ingrid.hartmann@miqua.example",
        "Ingrid Hartmann",
        Role.COMMITTEE_MEMBER,
        organisation="Stadt Offenbach",
        committees=(COMMITTEE_OF,),
        chairs=(COMMITTEE_OF,),
    ),
    UserSpec(
        "stefan.wolf@miqua.example",
        "Stefan Wolf",
        Role.COMMITTEE_MEMBER,
        organisation="IHK Offenbach",
        committees=(COMMITTEE_OF,),
    ),
    UserSpec(
        "serkan.aydemir@miqua.example",
        "Serkan Aydemir",
        Role.COMMITTEE_MEMBER,
        organisation="Jobcenter Offenbach",
        committees=(COMMITTEE_OF,),
    ),
    UserSpec(
        "monika.becker@miqua.example",
        "Monika Becker",
        Role.COMMITTEE_MEMBER,
        organisation="GBO",
        committees=(COMMITTEE_OF,),
    ),
    # The Duisburg-Marxloh committee, chaired by the city's member.
    UserSpec(
        "frank.schulte@miqua.example",
        "Frank Schulte",
        Role.COMMITTEE_MEMBER,
        organisation="Stadt Duisburg",
        committees=(COMMITTEE_MARXLOH,),
        chairs=(COMMITTEE_MARXLOH,),
    ),
    UserSpec(
        "sandra.kuepper@miqua.example",
        "Sandra Küpper",
        Role.COMMITTEE_MEMBER,
        organisation="Sparkasse Duisburg",
        committees=(COMMITTEE_MARXLOH,),
    ),
    UserSpec(
        "murat.kilic@miqua.example",
        "Murat Kılıç",
        Role.COMMITTEE_MEMBER,
        organisation="EG DU",
        committees=(COMMITTEE_MARXLOH,),
    ),
    UserSpec(
        "dirk.lehmann@miqua.example",
        "Dirk Lehmann",
        Role.COMMITTEE_MEMBER,
        organisation="Jobcenter Duisburg",
        committees=(COMMITTEE_MARXLOH,),
    ),
    UserSpec(
        "city.leipzig@miqua.example",
        "Claudia Neumann",
        Role.MUNICIPALITY_VIEWER,
        municipality="leipzig",
    ),
)

STAFF_EMAIL = "staff@kiz.example"

# The network's product: the terms of the documents (500 to 20,000 EUR in three steps).
PRODUCT_NAME = "MIQUA-Mikrokredit"
PRODUCT_TERMS: dict[str, Any] = {
    "min_amount": Decimal("500.00"),
    "first_loan_max": Decimal("10000.00"),
    "second_loan_max": Decimal("15000.00"),
    "max_amount": Decimal("20000.00"),
    "max_term_months": 36,
    "interest_rate": Decimal("8.56"),
    "instalment_day": 30,
    "guarantee_share": Decimal("50.00"),
    "min_guarantors": 2,
}


@dataclass(frozen=True)
class PastLoan:
    """A loan paid out before the applications were kept in MIQUA."""

    quarter: str  # slug
    first_name: str
    last_name: str
    born: datetime.date
    amount: Decimal
    term_months: int
    paid_out: datetime.date
    status: str = Loan.Status.RUNNING
    closed_on: datetime.date | None = None
    had_disruptions: bool = False


def _loan(
    quarter: str,
    name: str,
    born: str,
    amount: str,
    term: int,
    paid_out: str,
    closed: str | None = None,
    *,
    defaulted: bool = False,
    disrupted: bool = False,
) -> PastLoan:
    first_name, last_name = name.rsplit(" ", 1)
    status = Loan.Status.RUNNING
    if closed:
        status = Loan.Status.DEFAULTED if defaulted else Loan.Status.REPAID
    return PastLoan(
        quarter,
        first_name,
        last_name,
        datetime.date.fromisoformat(born),
        Decimal(amount),
        term,
        datetime.date.fromisoformat(paid_out),
        status,
        datetime.date.fromisoformat(closed) if closed else None,
        disrupted or defaulted,
    )


OF = "offenbach-oestliche-innenstadt"
HOCHFELD = "duisburg-hochfeld"
MARXLOH = "duisburg-marxloh"

# Running loans count with their full amount against their quarter's fund; every quarter stays
# well below its lending capacity (100,000 to 125,000 EUR).
PAST_LOANS: tuple[PastLoan, ...] = (
    _loan(OF, "Hans-Peter Köhler", "1958-09-02", "3000.00", 18, "2009-06-30", "2010-12-30"),
    # Nuray Aksoy's first loan; she applies for a second one below.
    _loan(OF, "Nuray Aksoy", "1972-01-17", "5000.00", 24, "2010-04-30", "2012-04-30"),
    _loan(OF, "Stefanie Wagner", "1980-12-11", "6000.00", 36, "2011-09-30"),
    _loan(OF, "Kemal Aydın", "1966-04-04", "4500.00", 24, "2012-02-15", disrupted=True),
    _loan(OF, "Vesna Marković", "1974-07-19", "7500.00", 36, "2012-06-29"),
    _loan(HOCHFELD, "Ion Popescu", "1982-03-03", "2500.00", 12, "2009-08-31", "2010-08-31"),
    _loan(
        HOCHFELD,
        "Dariusz Kamiński",
        "1973-11-30",
        "3000.00",
        24,
        "2009-11-30",
        "2011-06-30",
        defaulted=True,
    ),
    _loan(HOCHFELD, "Bülent Arslan", "1969-11-23", "5000.00", 36, "2011-05-31", disrupted=True),
    _loan(HOCHFELD, "Marija Nikolić", "1987-02-14", "6500.00", 30, "2012-01-31"),
    _loan(MARXLOH, "Yusuf Erdem", "1975-06-06", "4000.00", 24, "2010-01-29", "2012-01-31"),
    _loan(MARXLOH, "Hatice Koç", "1984-09-15", "8000.00", 36, "2012-03-30"),
    _loan(
        "gelsenkirchen-sued-ost", "Andrzej Wiśniewski", "1971-08-08", "5500.00", 36, "2011-11-30"
    ),
    _loan("leipzig-eisenbahnstrasse", "Van Minh Nguyen", "1978-05-01", "4000.00", 24, "2012-05-31"),
    _loan("kiel-gaarden", "Zeynep Güler", "1986-10-10", "6000.00", 36, "2012-07-31"),
)


@dataclass(frozen=True)
class GuaranteeSpec:
    first_name: str
    last_name: str
    relation: str
    amount: Decimal
    phone: str = ""


@dataclass(frozen=True)
class Step:
    """A transition of `credits.workflow`, made by the advisor if it is an advisor's step,
    else by the back office."""

    name: str
    comment: str = ""
    conditions: str = ""
    outcome: str = ""
    outcome_note: str = ""


@dataclass(frozen=True)
class DemoApplication:
    quarter: str  # slug
    advisor: str  # email
    borrower: dict[str, Any]  # credits.services.BORROWER_FIELDS
    application: dict[str, Any]  # the business, the request and the advisor's assessment
    guarantees: tuple[GuaranteeSpec, ...] = ()
    # The back office's part of the decision template, written before "prepare".
    staff_assessment: str = ""
    recommendation: str = ""
    steps: tuple[Step, ...] = ()


def _g(
    first_name: str, last_name: str, relation: str, amount: str, phone: str = ""
) -> GuaranteeSpec:
    return GuaranteeSpec(first_name, last_name, relation, Decimal(amount), phone)


def _person(
    name: str,
    born: str,
    address: str,
    phone: str,
    languages: str,
    *,
    sgb2: bool,
    bank: str = Borrower.BankRelationship.ACCOUNT,
) -> dict[str, Any]:
    """The borrower's part of the form; address as written on a letter: "street, code city"."""
    first_name, last_name = name.rsplit(" ", 1)
    street, place = address.split(", ")
    postal_code, city = place.split(" ", 1)
    return {
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": datetime.date.fromisoformat(born),
        "street": street,
        "postal_code": postal_code,
        "city": city,
        "phone": phone,
        "languages": languages,
        "receives_sgb2": sgb2,
        "bank_relationship": bank,
    }


ADVISOR_OF = "advisor.offenbach@miqua.example"
ADVISOR_DU = "advisor.duisburg@miqua.example"
Stage, Level, Handicap = Application.Stage, Application.Level, Application.Handicap
SUBMIT, PREPARE, PRESENT = Step("submit"), Step("prepare"), Step("present")

# A handful of applications in every state, amounts around the brochure's average of 5,700 EUR,
# two guarantors covering half of each complete one.
DEMO_APPLICATIONS: tuple[DemoApplication, ...] = (
    # A draft: the business and the request are there, the assessment and guarantors are not.
    DemoApplication(
        OF,
        ADVISOR_OF,
        _person(
            "Fatma Yıldız",
            "1981-06-12",
            "Bieberer Straße 42, 63065 Offenbach am Main",
            "069 8123456",
            "Deutsch, Türkisch",
            sgb2=True,
        ),
        {
            "business_name": "Änderungsschneiderei Yıldız",
            "trade": "Änderungsschneiderei",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2010, 9, 1),
            "jobs_now": 1,
            "jobs_planned": 2,
            "amount": Decimal("4000.00"),
            "purpose": "Industrienähmaschine und Bügelstation, damit sie Aufträge der "
            "Reinigungen in der Innenstadt annehmen kann.",
            "term_months": 24,
        },
    ),
    DemoApplication(
        OF,
        ADVISOR_OF,
        _person(
            "Giorgos Papadopoulos",
            "1968-11-03",
            "Frankfurter Straße 71, 63067 Offenbach am Main",
            "069 8234567",
            "Deutsch, Griechisch",
            sgb2=False,
        ),
        {
            "business_name": "Imbiss Papadopoulos",
            "trade": "Imbiss",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2008, 4, 1),
            "jobs_now": 2,
            "jobs_planned": 3,
            "amount": Decimal("6000.00"),
            "purpose": "Neuer Grill und eine Kühltheke, die das Ordnungsamt verlangt.",
            "term_months": 30,
            "improves_situation": "Ja. Ohne die neue Kühltheke müsste der Imbiss schließen; mit "
            "ihr kann er eine Aushilfe fest anstellen.",
            "can_repay": "Ja. Seit vier Jahren am Standort, Umsatz stabil; rund 550 € freier "
            "Überschuss im Monat bei einer Rate von etwa 230 €.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("3100.00"),
            "monthly_costs": Decimal("2550.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Die Ehefrau arbeitet in Teilzeit; die Rate wäre aus "
            "dem Haushaltseinkommen tragbar.",
        },
        guarantees=(
            _g("Eleni", "Papadopoulou", "Schwester", "1500.00", "069 8234999"),
            _g("Kostas", "Dimitriou", "Freund, Gastronom", "1500.00", "069 8201234"),
        ),
        steps=(SUBMIT,),
    ),
    DemoApplication(
        OF,
        ADVISOR_OF,
        _person(
            "Mehmet Öztürk",
            "1979-02-21",
            "Wilhelmsplatz 5, 63065 Offenbach am Main",
            "0176 3456789",
            "Deutsch, Türkisch, Kurdisch",
            sgb2=True,
        ),
        {
            "business_name": "Kiosk am Wilhelmsplatz",
            "trade": "Kiosk",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2011, 3, 1),
            "jobs_now": 1,
            "jobs_planned": 1,
            "amount": Decimal("4800.00"),
            "purpose": "Warenlager aufstocken (Zeitschriften, Tabak, Getränke) und ein "
            "Getränkekühlschrank.",
            "term_months": 24,
            "improves_situation": "Ja. Mit vollem Sortiment kann er vom Jobcenter unabhängig "
            "werden; derzeit stockt er auf.",
            "can_repay": "Ja. Rate rund 218 € bei 650 € freiem Überschuss.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("2900.00"),
            "monthly_costs": Decimal("2250.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Der Warenbestand ist jederzeit verkäuflich.",
        },
        guarantees=(
            _g("Hakan", "Öztürk", "Bruder", "1200.00", "0176 3450000"),
            _g("Ahmet", "Yılmaz", "Nachbar, Gemüsehändler am Markt", "1200.00"),
        ),
        staff_assessment="Tragfähiges Konzept; der Standort am Wochenmarkt bringt gute "
        "Laufkundschaft. Persönlicher Eindruck zuverlässig, die Bürgen sind bekannt. Auch bei "
        "Aufgabe des Kiosks ist die Rückzahlung über den Warenbestand gesichert.",
        recommendation="Bewilligung über 4.800 € bei 24 Monaten Laufzeit.",
        steps=(SUBMIT, PREPARE),
    ),
    DemoApplication(
        OF,
        ADVISOR_OF,
        _person(
            "Olena Kovalenko",
            "1985-08-30",
            "Große Marktstraße 19, 63065 Offenbach am Main",
            "0157 4567890",
            "Deutsch, Ukrainisch, Russisch",
            sgb2=False,
        ),
        {
            "business_name": "Übersetzungsbüro Kovalenko",
            "trade": "Übersetzungen und Dolmetschen",
            "stage": Stage.STARTUP,
            "jobs_now": 1,
            "jobs_planned": 1,
            "amount": Decimal("4500.00"),
            "purpose": "Laptop, Übersetzungssoftware, die Ermächtigung als Dolmetscherin und "
            "die Einrichtung eines kleinen Büros.",
            "term_months": 36,
            "grace_months": 3,
            "improves_situation": "Ja. Sie arbeitet bisher unter Wert in einer Reinigungsfirma; "
            "als ermächtigte Dolmetscherin verdient sie deutlich mehr.",
            "can_repay": "Ja. Erste Aufträge von zwei Kanzleien und dem Jugendamt liegen vor.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("2200.00"),
            "monthly_costs": Decimal("1650.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Die Teilzeitstelle bleibt vorerst bestehen.",
        },
        guarantees=(
            _g("Iryna", "Bondarenko", "Freundin", "1250.00"),
            _g("Thomas", "Krämer", "früherer Arbeitgeber", "1000.00", "069 8009911"),
        ),
        staff_assessment="Gründung mit belegtem Bedarf: Dolmetscher für Ukrainisch und Russisch "
        "fehlen in Offenbach. Drei Monate tilgungsfrei bis zur Ermächtigung.",
        recommendation="Bewilligung über 4.500 €, 36 Monate, davon 3 tilgungsfrei.",
        steps=(SUBMIT, PREPARE, PRESENT),
    ),
    # A repeat borrower: her first loan of 2010 was repaid on time.
    DemoApplication(
        OF,
        ADVISOR_OF,
        _person(
            "Nuray Aksoy",
            "1972-01-17",
            "Mittelseestraße 12, 63065 Offenbach am Main",
            "069 8345678",
            "Deutsch, Türkisch",
            sgb2=False,
        ),
        {
            "business_name": "Friseursalon Nuray",
            "trade": "Friseursalon",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2006, 5, 1),
            "jobs_now": 2,
            "jobs_planned": 3,
            "amount": Decimal("8000.00"),
            "purpose": "Ein zweiter Bedienplatz, neue Trockenhauben und die Renovierung nach "
            "einem Wasserschaden.",
            "term_months": 36,
            "improves_situation": "Ja. Mit dem zweiten Platz kann sie eine Auszubildende "
            "übernehmen und länger öffnen.",
            "can_repay": "Ja. Der erste Kredit wurde pünktlich zurückgezahlt; freier Überschuss "
            "rund 700 € bei einer Rate von etwa 253 €.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("4200.00"),
            "monthly_costs": Decimal("3500.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Die Einrichtung ließe sich verkaufen; der Ehemann hat "
            "ein festes Einkommen.",
        },
        guarantees=(
            _g("Emre", "Aksoy", "Sohn", "2000.00", "0176 9876543"),
            _g("Gül", "Şimşek", "Schwester", "2000.00"),
        ),
        staff_assessment="Zweiter Kredit: der erste über 5.000 € (2010) lief ohne Störung. "
        "Der Salon ist seit Jahren etabliert, die Erweiterung schafft einen Ausbildungsplatz.",
        recommendation="Bewilligung über 8.000 € bei 36 Monaten Laufzeit.",
        steps=(SUBMIT, PREPARE, PRESENT, Step("approve", comment="Einstimmig beschlossen.")),
    ),
    # Duisburg-Hochfeld
    DemoApplication(
        HOCHFELD,
        ADVISOR_DU,
        _person(
            "Dragan Petrović",
            "1976-05-09",
            "Wanheimer Straße 112, 47053 Duisburg",
            "0203 4567123",
            "Deutsch, Serbisch",
            sgb2=False,
        ),
        {
            "business_name": "Fliesenlegerbetrieb Petrović",
            "trade": "Fliesenleger",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2009, 10, 1),
            "jobs_now": 1,
            "jobs_planned": 2,
            "amount": Decimal("3500.00"),
            "purpose": "Eine Fliesenschneidemaschine und ein gebrauchter Anhänger.",
            "term_months": 24,
            "improves_situation": "Ja. Er kann größere Aufträge annehmen, statt Geräte zu leihen.",
            "can_repay": "Ja. Volle Auftragsbücher bis zum Herbst; Überschuss rund 600 €.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("2800.00"),
            "monthly_costs": Decimal("2200.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Als angestellter Fliesenleger fände er sofort Arbeit.",
        },
        guarantees=(
            _g("Milan", "Petrović", "Onkel", "1000.00", "0203 4567000"),
            _g("Stefan", "Jovanović", "Schwager", "750.00"),
        ),
        steps=(
            SUBMIT,
            Step(
                "withdraw",
                outcome=Application.Outcome.GUARANTOR_LENT,
                outcome_note="Sein Onkel, einer der Bürgen, hat ihm das Geld privat geliehen; "
                "der Kredit wird nicht mehr gebraucht.",
            ),
        ),
    ),
    DemoApplication(
        HOCHFELD,
        ADVISOR_DU,
        _person(
            "Sami Haddad",
            "1990-12-02",
            "Heerstraße 35, 47053 Duisburg",
            "0157 2345678",
            "Deutsch, Arabisch, Französisch",
            sgb2=True,
        ),
        {
            "business_name": "Handyreparatur Haddad",
            "trade": "Handyreparatur und Zubehör",
            "stage": Stage.STARTUP,
            "jobs_now": 1,
            "jobs_planned": 1,
            "amount": Decimal("7000.00"),
            "purpose": "Ladeneinrichtung, ein Lager an Ersatzteilen und die Mietkaution.",
            "term_months": 36,
            "grace_months": 2,
            "improves_situation": "Unsicher. Er wäre selbständig, aber mit hohen festen Kosten.",
            "can_repay": "Fraglich. Die Umsatzplanung beruht auf Annahmen ohne Belege.",
            "potential": Level.LOW,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("1800.00"),
            "monthly_costs": Decimal("1650.00"),
            "repayable_if_closed": False,
            "repayable_if_closed_note": "Bei Aufgabe des Ladens bliebe nur Arbeitslosengeld II.",
        },
        guarantees=(
            _g("Rami", "Haddad", "Bruder", "2000.00"),
            _g("Nabil", "Khoury", "Freund", "1500.00"),
        ),
        staff_assessment="Drei Handyläden im Umkreis von 300 m; die Umsatzplanung ist nicht "
        "belegt. 150 € freier Überschuss tragen eine Rate von rund 230 € nicht.",
        recommendation="Ablehnung. Empfehlung: Gründungsberatung und Buchführungsseminar, danach "
        "ist ein neuer Antrag mit kleinerem Betrag möglich.",
        steps=(
            SUBMIT,
            PREPARE,
            PRESENT,
            Step(
                "reject",
                comment="Die Rückzahlung ist nicht gesichert. Gründungsberatung empfohlen.",
            ),
        ),
    ),
    DemoApplication(
        HOCHFELD,
        ADVISOR_DU,
        _person(
            "Jürgen Kowalczyk",
            "1964-07-22",
            "Brückenplatz 6, 47053 Duisburg",
            "0203 4561234",
            "Deutsch, Polnisch",
            sgb2=True,
        ),
        {
            "business_name": "Fahrradwerkstatt Kowalczyk",
            "trade": "Fahrradwerkstatt",
            "stage": Stage.STARTUP,
            "amount": Decimal("3500.00"),
            "purpose": "Werkzeug, Montageständer und ein Grundstock an Ersatzteilen.",
            "term_months": 24,
        },
        guarantees=(_g("Renate", "Kowalczyk", "Schwester", "1000.00"),),
    ),
    # Duisburg-Marxloh
    DemoApplication(
        MARXLOH,
        ADVISOR_DU,
        _person(
            "Emine Şahin",
            "1983-04-11",
            "Weseler Straße 88, 47169 Duisburg",
            "0203 5098765",
            "Deutsch, Türkisch",
            sgb2=False,
        ),
        {
            "business_name": "Brautmoden Şahin",
            "trade": "Brautmoden und Abendkleider",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2007, 9, 1),
            "jobs_now": 3,
            "jobs_planned": 4,
            "amount": Decimal("9000.00"),
            "purpose": "Die Kollektion für die Hochzeitssaison und der Umbau der Umkleiden.",
            "term_months": 36,
            "improves_situation": "Ja. Die Saisonware muss vorfinanziert werden; die Bank "
            "lehnt ab, weil das Geschäft in Marxloh liegt.",
            "can_repay": "Ja. Kundschaft aus ganz NRW und den Niederlanden; Überschuss rund "
            "900 € bei einer Rate von etwa 285 €.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("5200.00"),
            "monthly_costs": Decimal("4300.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Die Ware ließe sich über Händler der Weseler Straße "
            "verkaufen.",
        },
        guarantees=(
            _g("Cem", "Şahin", "Bruder", "2500.00", "0203 5090000"),
            _g("Leyla", "Arslan", "Geschäftsnachbarin, Juwelierin", "2000.00"),
        ),
        steps=(SUBMIT,),
    ),
    DemoApplication(
        MARXLOH,
        ADVISOR_DU,
        _person(
            "Ahmet Çelik",
            "1970-10-05",
            "Kaiser-Wilhelm-Straße 240, 47169 Duisburg",
            "0203 5012345",
            "Deutsch, Türkisch",
            sgb2=False,
        ),
        {
            "business_name": "Lebensmittel Çelik",
            "trade": "Lebensmitteleinzelhandel",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2004, 2, 1),
            "jobs_now": 2,
            "jobs_planned": 2,
            "amount": Decimal("6500.00"),
            "purpose": "Neue Kühlregale und ein Kassensystem.",
            "term_months": 36,
            "improves_situation": "Ja. Die alten Kühlregale verbrauchen viel Strom und fallen "
            "immer öfter aus.",
            "can_repay": "Ja. Die Stromersparnis allein trägt ein Drittel der Rate.",
            "potential": Level.HIGH,
            "handicap": Handicap.LITTLE,
            "monthly_income": Decimal("3600.00"),
            "monthly_costs": Decimal("2900.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Der Sohn übernimmt den Laden ohnehin in drei Jahren.",
        },
        guarantees=(
            _g("Murat", "Çelik", "Sohn", "1625.00"),
            _g("Hüseyin", "Doğan", "Freund", "1625.00"),
        ),
        staff_assessment="Seit 2004 etabliertes Geschäft; Investition senkt die Kosten.",
        recommendation="Bewilligung über 6.500 € bei 36 Monaten Laufzeit.",
        steps=(SUBMIT, PREPARE),
    ),
    DemoApplication(
        MARXLOH,
        ADVISOR_DU,
        _person(
            "Krystyna Nowak",
            "1977-03-28",
            "Pollmannstraße 14, 47169 Duisburg",
            "0176 1234567",
            "Deutsch, Polnisch",
            sgb2=True,
        ),
        {
            "business_name": "Reinigungsservice Nowak",
            "trade": "Gebäude- und Haushaltsreinigung",
            "stage": Stage.STARTUP,
            "jobs_now": 1,
            "jobs_planned": 2,
            "amount": Decimal("4500.00"),
            "purpose": "Ein gebrauchter Kleinwagen und Reinigungsgeräte.",
            "term_months": 30,
            "grace_months": 2,
            "improves_situation": "Ja. Sie arbeitet bisher auf Minijobs und stockt auf.",
            "can_repay": "Ja, wenn die zwei zugesagten Aufträge kommen.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("2100.00"),
            "monthly_costs": Decimal("1600.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Das Auto ließe sich verkaufen.",
        },
        guarantees=(
            _g("Piotr", "Nowak", "Bruder", "1250.00"),
            _g("Barbara", "Wójcik", "Freundin", "1000.00"),
        ),
        staff_assessment="Gute Gründungsidee, Nachfrage nach Haushaltsreinigung ist da; die "
        "Aufträge sind aber erst mündlich zugesagt.",
        recommendation="Bewilligung unter der Auflage, die Aufträge schriftlich nachzuweisen.",
        steps=(
            SUBMIT,
            PREPARE,
            PRESENT,
            Step(
                "approve_with_conditions",
                conditions="Auszahlung nach Vorlage der Gewerbeanmeldung und zweier "
                "schriftlicher Reinigungsaufträge.",
            ),
        ),
    ),
)


@dataclass(frozen=True)
class VoteSpec:
    member: str  # email
    choice: str  # Vote.Choice; RECUSED declares a conflict of interest, its reason the comment
    comment: str = ""
    conditions: str = ""


@dataclass(frozen=True)
class CaseSpec:
    business_name: str  # of a demo application of the committee's quarter
    votes: tuple[VoteSpec, ...] = ()


@dataclass(frozen=True)
class BallotSpec:
    committee: str
    kind: str
    title: str
    cases: tuple[CaseSpec, ...]
    # A written procedure's deadline is this many days after the seed, at 18:00. A meeting
    # takes place at the moment of the seed: its votes and its close are recorded then too.
    days: int = 0
    location: str = ""
    present: tuple[str, ...] = ()  # meetings: the members present (emails)
    # Closed by the back office, as it records a meeting's result.
    closed: bool = False


V = Vote.Choice

BALLOTS: tuple[BallotSpec, ...] = (
    # Open: Olena Kovalenko's application, two members have voted; the demo's committee login
    # (committee.offenbach@miqua.example) has not, so it can vote in the browser.
    BallotSpec(
        COMMITTEE_OF,
        Ballot.Kind.WRITTEN,
        "Umlaufverfahren Übersetzungsbüro Kovalenko",
        (
            CaseSpec(
                "Übersetzungsbüro Kovalenko",
                (
                    VoteSpec(
                        "ingrid.hartmann@miqua.example",
                        V.APPROVE,
                        comment="Dolmetscherinnen für Ukrainisch fehlen in der Stadt.",
                    ),
                    VoteSpec(
                        "stefan.wolf@miqua.example",
                        V.APPROVE_WITH_CONDITIONS,
                        conditions="Auszahlung erst nach Vorlage der Ermächtigung als "
                        "Dolmetscherin.",
                    ),
                ),
            ),
        ),
        days=5,
    ),
    # Closed: the Marxloh committee met and approved Ahmet Çelik's application. The Sparkasse's
    # member declared a conflict of interest (Çelik banks with the Sparkasse), the Jobcenter's
    # member was absent.
    BallotSpec(
        COMMITTEE_MARXLOH,
        Ballot.Kind.MEETING,
        "Sitzung im Bezirksrathaus Hamborn",
        (
            CaseSpec(
                "Lebensmittel Çelik",
                (
                    VoteSpec("frank.schulte@miqua.example", V.APPROVE),
                    VoteSpec(
                        "murat.kilic@miqua.example",
                        V.APPROVE,
                        comment="Die Investition senkt die Stromkosten; der Laden versorgt "
                        "die Nachbarschaft.",
                    ),
                    VoteSpec(
                        "sandra.kuepper@miqua.example",
                        V.RECUSED,
                        comment="Herr Çelik ist Kunde der Sparkasse Duisburg.",
                    ),
                ),
            ),
        ),
        location="Bezirksrathaus Hamborn, Sitzungssaal",
        present=(
            "frank.schulte@miqua.example",
            "sandra.kuepper@miqua.example",
            "murat.kilic@miqua.example",
        ),
        closed=True,
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
        # The demo's ballots are history, not news: the committee services mail every member
        # when a ballot opens and the back office when it closes, which in demo mode (tasks
        # in-process, console mail) would print a dozen mails over the table of logins. They
        # go nowhere here; with a Celery worker (REDIS_URL) its own mail settings apply.
        with scopes_disabled(), override_settings(EMAIL_BACKEND=DISCARD_MAIL):
            with transaction.atomic():
                self._build_network(seeder)
                users = self._build_users(seeder)
                self._build_product(seeder)
                self._build_past_loans(seeder)
                self._build_applications(seeder)
                self._build_ballots(seeder)
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
                    defaults={"organisation": user.organisation, "is_chair": name in spec.chairs},
                )
            users.append(user)
        return users

    def _build_product(self, seeder: Seeder) -> None:
        exists = LoanProduct.objects.filter(name=PRODUCT_NAME, quarter__isnull=True).exists()
        if not exists:
            # Only one network product can be active; one set up by hand stays the active one.
            other_active = LoanProduct.objects.filter(is_active=True, quarter__isnull=True)
            LoanProduct.objects.create(
                name=PRODUCT_NAME, is_active=not other_active.exists(), **PRODUCT_TERMS
            )
        seeder.count(LoanProduct, created=not exists)

    def _build_past_loans(self, seeder: Seeder) -> None:
        quarters = {q.slug: q for q in Quarter.objects.select_related("municipality")}
        for spec in PAST_LOANS:
            quarter = quarters[spec.quarter]
            borrower = seeder.get_or_create(
                Borrower,
                quarter=quarter,
                first_name=spec.first_name,
                last_name=spec.last_name,
                date_of_birth=spec.born,
                defaults={"city": quarter.municipality.name},
            )
            seeder.get_or_create(
                Loan,
                borrower=borrower,
                disbursed_on=spec.paid_out,
                defaults={
                    "quarter": quarter,
                    "amount": spec.amount,
                    "term_months": spec.term_months,
                    "status": spec.status,
                    "closed_on": spec.closed_on,
                    "had_disruptions": spec.had_disruptions,
                },
            )

    def _build_applications(self, seeder: Seeder) -> None:
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
            ).exists()
            if not exists:
                self._make_application(spec, quarter, User.objects.get(email=spec.advisor), staff)
            seeder.count(Application, created=not exists)

    def _make_application(
        self, spec: DemoApplication, quarter: Quarter, advisor: User, staff: User
    ) -> None:
        application = credit_services.application_create(
            quarter=quarter, borrower_data=spec.borrower, actor=advisor
        )
        credit_services.application_update(
            application=application, data=spec.application, actor=advisor
        )
        for g in spec.guarantees:
            credit_services.guarantee_add(
                application=application,
                relation=g.relation,
                amount=g.amount,
                actor=advisor,
                guarantor_data={
                    "first_name": g.first_name,
                    "last_name": g.last_name,
                    "phone": g.phone,
                    "city": spec.borrower["city"],
                },
            )
        for step in spec.steps:
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

    def _build_ballots(self, seeder: Seeder) -> None:
        staff = User.objects.get(email=STAFF_EMAIL)
        for spec in BALLOTS:
            committee = Committee.objects.get(name=spec.committee)
            exists = Ballot.objects.filter(committee=committee, title=spec.title).exists()
            if not exists and self._make_ballot(spec, committee, staff) is None:
                continue
            seeder.count(Ballot, created=not exists)

    def _make_ballot(self, spec: BallotSpec, committee: Committee, staff: User) -> Ballot | None:
        ready = committee_selectors.ready_for_committee(committee=committee)
        applications = [ready.filter(business_name=c.business_name).first() for c in spec.cases]
        if None in applications:
            # Decided since, or on another open ballot: the ballot cannot be made again.
            self.stderr.write(
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

    def _print_logins(self, users: list[User]) -> None:
        quarters = {q.pk: str(q) for q in Quarter.objects.select_related("municipality")}
        chairs = set(
            CommitteeMembership.objects.filter(is_chair=True).values_list("member_id", flat=True)
        )
        rows = [("email", "role", "sees")]
        for user in users:
            ids = visible_quarter_ids(user)
            if ids is None:
                where = f"every quarter ({len(quarters)})"
            else:
                where = "; ".join(sorted(quarters[pk] for pk in ids)) or "no quarter"
            if user.pk in chairs:
                where += " (chairs the committee)"
            rows.append((user.email, str(Role(user.role).label), f"{SEES[user.role]} {where}"))
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        self.stdout.write("")
        self.stdout.write("Demo logins")
        for email, role, sees in rows:
            self.stdout.write(f"  {email.ljust(widths[0])}  {role.ljust(widths[1])}  {sees}")
        self.stdout.write(f"  password for all: {PASSWORD}")
        self.stdout.write("")
