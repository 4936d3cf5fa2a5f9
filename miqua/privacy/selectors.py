"""Who is due for erasure, and when (Art. 17 GDPR), read from the apps' retention rules
(`miqua.personal_data`). Set-based: a kind of person is one query, whatever their number.
Scope-free: the caller decides the scope (the job runs without one, the page is the back
office's, which sees every quarter)."""

import datetime
from dataclasses import dataclass

from django.db.models import Max, Model, QuerySet

from miqua.personal_data import (
    KINDS,
    add_months,
    latest_ended_on,
    person,
    retention_rules,
    rule_label,
)
from quarters.models import Quarter

from .models import Erasure

# The erasures to come that the page lists: those due within this many days.
UPCOMING_DAYS = 90
UPCOMING_MAX = 200


def due_persons(*, kind: str, day: datetime.date) -> QuerySet[Model]:
    """The persons of `kind` whose every record may go on `day`: none in use (an open
    application, a running loan, an open claim), each ended one past its period, and not
    erased yet."""
    queryset = person(kind).model.objects.exclude(
        pk__in=Erasure.objects.filter(kind=kind).values("person_id")
    )
    for rule in retention_rules(kind):
        if rule.in_use is not None:
            queryset = queryset.exclude(pk__in=rule.in_use())
        if rule.ended is not None:
            latest = latest_ended_on(day, rule.period.months())
            queryset = queryset.exclude(
                pk__in=rule.ended().filter(ended_on__gt=latest).values("person")
            )
    return queryset


@dataclass(frozen=True)
class Due:
    day: datetime.date
    rule: str  # the rule whose record ended last, counting its period


def due_dates(*, kind: str, ids: list[int]) -> dict[int, Due]:
    """When each of these persons becomes due, and by which rule (in use or not: ask
    `due_persons` whether they may go at all). One grouped query per rule."""
    dues: dict[int, Due] = {}
    for rule in retention_rules(kind):
        if rule.ended is None or not ids:
            continue
        months = rule.period.months()
        rows = (
            rule.ended()
            .filter(person__in=ids)
            .order_by()
            .values("person")
            .annotate(last=Max("ended_on"))
            .values_list("person", "last")
        )
        for pk, last in rows:
            day = add_months(last, months)
            if pk not in dues or day > dues[pk].day:
                dues[pk] = Due(day, rule.name)
    return dues


@dataclass(frozen=True)
class Upcoming:
    kind_label: str
    pk: int
    page: str  # the URL name of the person's page
    pseudonym: str
    quarter: Quarter | None
    due_on: datetime.date
    is_due: bool  # due already: waits for the job's next run
    reason: str
    references: list[str]


@dataclass(frozen=True)
class UpcomingList:
    rows: list[Upcoming]
    total: int  # all due within the horizon; `rows` holds the first `limit`


def upcoming_erasures(
    *, today: datetime.date, days: int = UPCOMING_DAYS, limit: int | None = UPCOMING_MAX
) -> UpcomingList:
    """The persons due for erasure by `today + days`, soonest first, by pseudonym and the
    references of their cases (no names: the list says what the job will do, staff look a
    case up by its reference). Those due already wait for the job's next run."""
    horizon = today + datetime.timedelta(days=days)
    rows: list[Upcoming] = []
    for kind in KINDS:
        who = person(kind)
        persons = list(due_persons(kind=kind, day=horizon).select_related("quarter"))
        ids = [p.pk for p in persons]
        dues = due_dates(kind=kind, ids=ids)
        references = who.references(ids)
        for record in persons:
            due = dues.get(record.pk, Due(today, ""))
            rows.append(
                Upcoming(
                    kind_label=str(who.label),
                    pk=record.pk,
                    page=who.page,
                    pseudonym=who.pseudonym(record.pk),
                    quarter=record.quarter,  # type: ignore[attr-defined]
                    due_on=due.day,
                    is_due=due.day <= today,
                    reason=rule_label(kind, due.rule),
                    references=list(references.get(record.pk, [])),
                )
            )
    rows.sort(key=lambda row: (row.due_on, row.page, row.pk))
    return UpcomingList(rows=rows[:limit], total=len(rows))


def erasures_done() -> QuerySet[Erasure]:
    return Erasure.objects.select_related("quarter").order_by("-erased_at", "-id")
