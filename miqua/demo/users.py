"""The demo logins: one per role, and the members of the Offenbach and Duisburg-Marxloh
committees. All share the published demo password."""

import datetime
from dataclasses import dataclass

from miqua.accounts.models import Role

from .network import COMMITTEE_HOCHFELD, COMMITTEE_MARXLOH, COMMITTEE_OF

PASSWORD = "miqua-demo"  # noqa: S105 -- the published demo password, printed by seed_demo
# The members of the Offenbach committee sit on it since the network started.
MEMBERSHIP_START = datetime.date(2009, 1, 1)


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


USERS: tuple[UserSpec, ...] = (
    UserSpec("admin@miqua.example", "Sabine Albrecht", Role.ADMINISTRATOR, is_superuser=True),
    UserSpec("staff@kiz.example", "Michael Weber", Role.STAFF, organisation="KIZ"),
    # The second pair of eyes: confirms the payouts Michael Weber records.
    UserSpec("staff2@kiz.example", "Aylin Yıldız", Role.STAFF, organisation="KIZ"),
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
    # The Duisburg partners send the same people to the committees of Marxloh and Hochfeld,
    # chaired by the city's member.
    UserSpec(
        "frank.schulte@miqua.example",
        "Frank Schulte",
        Role.COMMITTEE_MEMBER,
        organisation="Stadt Duisburg",
        committees=(COMMITTEE_MARXLOH, COMMITTEE_HOCHFELD),
        chairs=(COMMITTEE_MARXLOH, COMMITTEE_HOCHFELD),
    ),
    UserSpec(
        "sandra.kuepper@miqua.example",
        "Sandra Küpper",
        Role.COMMITTEE_MEMBER,
        organisation="Sparkasse Duisburg",
        committees=(COMMITTEE_MARXLOH, COMMITTEE_HOCHFELD),
    ),
    UserSpec(
        "murat.kilic@miqua.example",
        "Murat Kılıç",
        Role.COMMITTEE_MEMBER,
        organisation="EG DU",
        committees=(COMMITTEE_MARXLOH, COMMITTEE_HOCHFELD),
    ),
    UserSpec(
        "dirk.lehmann@miqua.example",
        "Dirk Lehmann",
        Role.COMMITTEE_MEMBER,
        organisation="Jobcenter Duisburg",
        committees=(COMMITTEE_MARXLOH, COMMITTEE_HOCHFELD),
    ),
    UserSpec(
        "city.leipzig@miqua.example",
        "Claudia Neumann",
        Role.MUNICIPALITY_VIEWER,
        municipality="leipzig",
    ),
)

STAFF_EMAIL = "staff@kiz.example"
STAFF2_EMAIL = "staff2@kiz.example"
ADVISOR_OF = "advisor.offenbach@miqua.example"
ADVISOR_DU = "advisor.duisburg@miqua.example"

# What each role does with the quarters it sees, for the table of demo logins.
SEES = {
    Role.ADMINISTRATOR: "everything, incl. the Django admin:",
    Role.STAFF: "back office of",
    Role.ADVISOR: "applications and borrowers of",
    Role.COMMITTEE_MEMBER: "votes on the applications of",
    Role.MUNICIPALITY_VIEWER: "aggregates only (no personal data) of",
}
