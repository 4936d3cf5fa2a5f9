"""What MIQUA holds about a person (a borrower, a guarantor), and how long: the registry the
GDPR duties read (Art. 15 information, Art. 17 erasure; `miqua.privacy` on top).

The data of one person is spread over every app: the person's record and applications
(credits), guarantees and claims (guarantors), committee votes (committees), contacts
(monitoring). The apps stand above this module, so each registers in its `AppConfig.ready()`:

- a `Person`: the model of a kind of person and how its pseudonym reads;
- `Holding`s: the records it keeps about a person of a kind (every concrete field of them is
  shown in the information under Art. 15) and how their personal data is erased (free texts
  blanked, names pseudonymised, documents deleted; `erase` returns the rows changed, 0 when
  there was nothing left to change);
- `RetentionRule`s: which persons must still be kept because a record is in use (an open
  application, a running loan, an open claim), and the day each ended record ended, kept for
  a period after it (an application without a loan: MIQUA_ERASE_UNFUNDED_MONTHS after the
  decision; a closed loan: MIQUA_RETENTION_YEARS after its closing).

A person is erased once every rule of their kind lets them go. What is kept (amounts, dates,
quarter, trade, statuses, jobs) keeps every figure of the dashboards as it was.
"""

import calendar
import datetime
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast, Concat
from django.utils.functional import Promise

BORROWER = "borrower"
GUARANTOR = "guarantor"
KINDS = (BORROWER, GUARANTOR)

# "Person K-4711": stable (made of the record's id), so that a rerun writes the same, and says
# nothing about the person.
PSEUDONYM_FIRST_NAME = "Person"
# Where a text may not be empty (a vote "yes, with conditions" names them), it says this.
ERASED_TEXT = "[gelöscht]"


class Period(enum.Enum):
    """How long ended records are kept, in months, as the settings say."""

    UNFUNDED = "unfunded"  # an application that never became a loan, after its end
    RETENTION = "retention"  # a closed loan: HGB § 257, AO § 147

    def months(self) -> int:
        if self is Period.UNFUNDED:
            return int(getattr(settings, "MIQUA_ERASE_UNFUNDED_MONTHS", 6))
        return 12 * int(getattr(settings, "MIQUA_RETENTION_YEARS", 10))


@dataclass(frozen=True)
class Person:
    kind: str
    model: type[models.Model]
    # The letter of the pseudonym: "Person K-4711" (Kreditnehmer/in), "Person B-17" (Bürge).
    prefix: str
    # The URL name of the person's page (one argument: the id).
    page: str
    # Short references of the person's cases (MQ-000042, contract numbers), by person id: how
    # staff recognise whom an upcoming erasure concerns without a name.
    references: Callable[[Sequence[int]], Mapping[int, list[str]]]

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    def pseudonym(self, pk: int) -> str:
        return f"{PSEUDONYM_FIRST_NAME} {self.prefix}-{pk}"


@dataclass(frozen=True)
class Holding:
    """The rows of `model` about a person of `kind`: those whose `path` (a lookup that ends
    in the person's id, "borrower_id", "loan__borrower_id") is theirs, or what `select`
    returns. Erased by setting `blanks` (texts to "", dates to None), or by `eraser` where
    more is needed (a pseudonym, documents deleted)."""

    kind: str
    name: str  # unique, "<app>.<what>"
    model: type[models.Model]
    path: str = ""
    blanks: Mapping[str, Any] = field(default_factory=dict)
    select: Callable[[Sequence[int]], models.QuerySet] | None = None
    eraser: Callable[[Sequence[int]], int] | None = None
    label: Promise | str = ""  # the section's heading; empty: the model's plural name

    @property
    def heading(self) -> str:
        return str(self.label or self.model._meta.verbose_name_plural)

    def records(self, ids: Sequence[int]) -> models.QuerySet:
        if self.select is not None:
            return self.select(ids)
        return self.model.objects.filter(**{f"{self.path}__in": ids})  # type: ignore[attr-defined]

    @property
    def erasable(self) -> bool:
        return self.eraser is not None or bool(self.blanks)

    def erase(self, ids: Sequence[int]) -> int:
        """Erase the personal data of these persons' rows; how many rows changed."""
        if self.eraser is not None:
            return self.eraser(ids)
        return blank(self.records(ids), **self.blanks) if self.blanks else 0


@dataclass(frozen=True)
class RetentionRule:
    kind: str
    name: str
    label: Promise | str  # the reason of an erasure this rule decided, in words
    period: Period
    # The ids of the persons kept while this rule's records are in use (a values_list query).
    in_use: Callable[[], models.QuerySet] | None = None
    # The ended records: a query annotated with `person` (the person's id) and `ended_on` (the
    # day the record ended); kept `period` after that day.
    ended: Callable[[], models.QuerySet] | None = None


_persons: dict[str, Person] = {}
_holdings: dict[tuple[str, str], Holding] = {}
_rules: dict[tuple[str, str], RetentionRule] = {}


def register_personal_data(
    *,
    person: Person | None = None,
    holdings: Sequence[Holding] = (),
    rules: Sequence[RetentionRule] = (),
) -> None:
    """What an app holds (its kind of person, if it keeps one). Idempotent: `ready()` may run
    more than once. Holdings are erased in the order registered: what finds its rows through
    another's data (bank entries by the loan's IBAN) registers before it."""
    if person is not None:
        _persons[person.kind] = person
    for holding in holdings:
        _holdings[(holding.kind, holding.name)] = holding
    for rule in rules:
        _rules[(rule.kind, rule.name)] = rule


def person(kind: str) -> Person:
    return _persons[kind]


def holdings(kind: str) -> list[Holding]:
    return [h for (k, _name), h in _holdings.items() if k == kind]


def holding_label(kind: str, name: str) -> str:
    holding = _holdings.get((kind, name))
    return holding.heading if holding is not None else name


def retention_rules(kind: str) -> list[RetentionRule]:
    return [r for (k, _name), r in _rules.items() if k == kind]


def rule_label(kind: str, name: str) -> str:
    rule = _rules.get((kind, name))
    return str(rule.label) if rule is not None else name


# --- Erasing ----------------------------------------------------------------------------------


def blank(queryset: models.QuerySet, **values: Any) -> int:
    """Set `values` on the rows of `queryset` that differ from them, in one UPDATE; returns
    how many rows changed (0 on a second run)."""
    return queryset.exclude(**values).update(**values)


PERSON_DETAILS_BLANK = {"email": "", "phone": "", "street": "", "postal_code": "", "city": ""}


def pseudonymise(queryset: models.QuerySet, *, prefix: str, **values: Any) -> int:
    """Replace the names of the persons of `queryset` (a `miqua.people.PersonDetails` model) by
    their pseudonym and blank their contact data and address, with `values` on top (the
    model's own personal fields)."""
    return blank(
        queryset,
        first_name=PSEUDONYM_FIRST_NAME,
        last_name=Concat(models.Value(f"{prefix}-"), Cast("pk", output_field=models.CharField())),
        **PERSON_DETAILS_BLANK,
        **values,
    )


# --- Periods ----------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day where the month is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def latest_ended_on(today: datetime.date, months: int) -> datetime.date:
    """The latest day a record may have ended on to be due for erasure `today`: the largest
    `day` with add_months(day, months) <= today."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        # Today is its month's last day: every day of that month is due by now.
        return datetime.date(year, month + 1, last)
    return datetime.date(year, month + 1, min(today.day, last))
