"""The committees' ballots: an open written procedure in Offenbach with a few votes cast, and a
closed meeting in Duisburg-Marxloh with its minutes."""

from dataclasses import dataclass

from committees.models import Ballot, Vote

from .network import COMMITTEE_MARXLOH, COMMITTEE_OF


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
