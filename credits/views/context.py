"""Context builders shared by the application's pages (the entry steps and the overview): the
navigation through the steps and the application in figures."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from .. import selectors
from ..models import Application

STEPS: dict[str, Promise] = {
    "person": gettext_lazy("Person"),
    "business": gettext_lazy("Business"),
    "request": gettext_lazy("Request"),
    "assessment": gettext_lazy("Assessment"),
}
OVERVIEW = "overview"

# The target-group matrix of the credit decision: (potential, handicap) -> who that is. The
# decision template has its own German words for them (credits/pdf.py).
QUADRANTS: dict[tuple[str, str], Promise] = {
    ("high", "little"): gettext_lazy("classic bank customers"),
    ("high", "large"): gettext_lazy("microcredit target group"),
    ("low", "little"): gettext_lazy("bank customers if fully secured"),
    ("low", "large"): gettext_lazy("social projects with long terms"),
}


@dataclass(frozen=True)
class StepLink:
    key: str
    label: Promise
    url: str
    current: bool


@dataclass(frozen=True)
class MatrixCell:
    label: Promise
    current: bool
    target: bool


def steps_nav(application: Application, current: str) -> list[StepLink]:
    links = [
        StepLink(
            key, label, reverse("application_edit", args=[application.pk, key]), key == current
        )
        for key, label in STEPS.items()
    ]
    overview_url = reverse("application_detail", args=[application.pk])
    return [*links, StepLink(OVERVIEW, gettext_lazy("Overview"), overview_url, current == OVERVIEW)]


def _matrix(quadrant: tuple[str, str] | None) -> list[tuple[Promise, list[MatrixCell]]]:
    """Rows "high"/"low" potential, columns "little"/"large" handicap; the chosen cell marked."""
    rows = []
    row_labels = {"high": gettext_lazy("high potential"), "low": gettext_lazy("low potential")}
    for level, level_label in row_labels.items():
        cells = [
            MatrixCell(
                QUADRANTS[(level, handicap)],
                current=quadrant == (level, handicap),
                target=(level, handicap) == ("high", "large"),
            )
            for handicap, _label in Application.Handicap.choices
        ]
        rows.append((level_label, cells))
    return rows


def figures_context(application: Application) -> dict[str, object]:
    """The request and the assessment in numbers, as saved (`selectors.application_figures`)."""
    figures = selectors.application_figures(application=application)
    return {
        "figures": figures,
        "cycle": figures.loan_cycle,
        "cycle_limit": figures.cycle_limit,
        "instalment": figures.instalment,
        "affordability": figures.affordability,
        "quadrant": QUADRANTS.get(figures.quadrant) if figures.quadrant else None,
        "matrix": _matrix(figures.quadrant),
    }
