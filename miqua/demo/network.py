"""The demo network: seven municipalities with their partner organisations, nine quarters with
their liability funds and the partners' start capital (2009), and the network-wide
organisations. Every quarter gets an award committee named after it (`committee_name`)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import slugify

from quarters.models import Organisation

LEVERAGE_FACTOR = Decimal("5.00")

Kind = Organisation.Kind


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

_GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def quarter_slug(municipality_slug: str, quarter_name: str) -> str:
    """ "duisburg", "Hochfeld" -> "duisburg-hochfeld"; umlauts spelled out, as Germans do."""
    return f"{municipality_slug}-{slugify(quarter_name.translate(_GERMAN_LETTERS))}"


def committee_name(quarter: QuarterSpec) -> str:
    return f"Vergabeausschuss {quarter.label}"


# The quarters and committees the rest of the demo refers to.
OF = "offenbach-oestliche-innenstadt"
HOCHFELD = "duisburg-hochfeld"
MARXLOH = "duisburg-marxloh"
COMMITTEE_OF = "Vergabeausschuss Offenbach östliche Innenstadt"
COMMITTEE_MARXLOH = "Vergabeausschuss Duisburg-Marxloh"
COMMITTEE_HOCHFELD = "Vergabeausschuss Duisburg-Hochfeld"
