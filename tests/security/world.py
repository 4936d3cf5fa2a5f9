"""One quarter with a row of every model whose text a person can fill, and every such text
replaced by a marked piece of HTML/JS: the world of the stored-HTML check.

The rows come from tests/test_isolation.py's walk (a quarter's applications, guarantees,
document, ballots, loans, servicing, bank entry, monthly check), plus what that walk does not
need: a contact, a payment with a note, a status change with a comment, a decided ballot with a
vote, and audit entries. `stamp` then writes, through the ORM, into every text column of every
row a payload that carries the field's number (`<script>x12r3</script><img src=https://...`:
field 12, row 3), so a page that shows the text tells which field it was, and a page that lets
it through raw names the field too.
"""

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.utils import timezone
from django_scopes import scopes_disabled

from committees import services as committee_services
from committees.models import Ballot, Vote
from credits import loan_services
from credits.models import Application, ApplicationTransition, Loan
from miqua.audit.models import AuditEntry
from monitoring import contact_services
from monitoring.models import MonthlyCheck
from tests.committees.conftest import prepared_application
from tests.conftest import Network
from tests.test_isolation import (
    Target,
    _bank_entry,
    _monthly_check,
    _servicing_loans,
    _target,
)

# The apps whose models hold what people type (allauth's, Django's and Celery's tables hold
# no such text, or only what these mirror: an e-mail address).
OUR_APPS = ("accounts", "audit", "quarters", "credits", "committees", "guarantors", "monitoring")

# Text columns no person fills, and why; every other CharField/TextField without choices is
# stamped, and a new one is stamped as soon as it exists.
NOT_TYPED: dict[str, str] = {
    "accounts.User.password": "a password hash, never shown",
    "quarters.Municipality.slug": "SlugField: letters, digits, - and _ only; part of URLs",
    "quarters.Quarter.slug": "SlugField: letters, digits, - and _ only; part of URLs",
    "audit.AuditEntry.action": "a code name written by the service",
    "audit.AuditEntry.object_type": "the model's label, written by the service",
    "audit.AuditEntry.object_id": "a primary key, written by the service",
    "audit.AuditEntry.previous_hash": "a SHA-256 in hex, written by the audit service",
    "audit.AuditEntry.entry_hash": "a SHA-256 in hex, written by the audit service",
    "credits.ApplicationDocument.content_type": "the type sniffed from the content",
    "credits.BankStatement.sha256": "the file's hash",
}
# Filled by creating rows (an audit entry is never changed, not even by a test).
CREATED: dict[str, str] = {
    "audit.AuditEntry.object_repr": "a copy of each entry with the payload as its object",
    "audit.AuditEntry.changes": "a copy of each entry with the payload as every value",
}
# JSON columns written by code only (the counts of a ballot's close).
NOT_TYPED_JSON = {"committees.BallotCase.reasoning": "the counts of the close, computed"}

FULL = "<script>x{n}r{i}</script><img src=https://evil.example/{n} onerror=alert({n})>\"'"
SHORT = "<script>x{n}r{i}</script>\"'"
TINY = "<b>x{n}r{i}"

# What a page must never contain: the payload's markup as markup.
RAW = re.compile(
    r"<script>x(\d+)r|<b>x(\d+)r|<img src=https://evil\.example/(\d+)|alert\((\d+)\)>[\"']"
)
# The payload written as text: escaped HTML, or a JSON/JS string's \u003C escape.
SHOWN = re.compile(r"(?:&lt;|\\u003C)(?:script|b)(?:&gt;|\\u003E)x(\d+)r", re.IGNORECASE)


def payload(n: int, i: int, max_length: int | None) -> str:
    """Field n's payload for its row i, as long as the column takes (PostgreSQL refuses more)."""
    for template in (FULL, SHORT, TINY):
        text = template.format(n=n, i=i)
        if max_length is None or len(text) <= max_length:
            return text
    raise AssertionError(f"field {n}: a column of {max_length} characters takes no payload")


@dataclass(frozen=True)
class Field:
    number: int
    label: str  # app_label.Model.field
    model: type[models.Model]
    name: str
    max_length: int | None


def text_fields() -> Iterator[tuple[str, type[models.Model], models.Field]]:
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                label = f"{model._meta.label}.{field.name}"
                yield label, model, field


def typed_fields() -> list[Field]:
    """Every text column a person can fill, numbered."""
    found = []
    for label, model, field in text_fields():
        if field.choices or label in NOT_TYPED or label in CREATED or label in NOT_TYPED_JSON:
            continue
        found.append(Field(len(found) + 1, label, model, field.name, field.max_length))
    return found


@dataclass(frozen=True)
class World:
    network: Network
    own: Target
    running_loan: Loan
    decided: Ballot  # closed through the services, with a vote and its comment
    check: MonthlyCheck
    fields: dict[int, str]  # number -> app_label.Model.field


def build(network: Network) -> World:
    with scopes_disabled():
        own = _target(network.own_quarter, network.advisor)
        running, _proposal, _claim = _servicing_loans(own)
        _bank_entry()
        check, _measure = _monthly_check()
        contact_services.contact_record(
            borrower=own.loan.borrower,
            loan=own.loan,
            contacted_on=datetime.date(2025, 2, 3),
            channel="phone",
            note="Rate besprochen",
            next_step="Rückruf",
            next_step_on=datetime.date(2025, 3, 3),
            actor=network.advisor,
            today=datetime.date(2025, 2, 3),
        )
        loan_services.payment_record(
            loan=own.loan,
            amount=Decimal("100.00"),
            value_date=datetime.date(2025, 2, 15),
            note="Bar eingezahlt",
            actor=network.staff,
            today=datetime.date(2025, 2, 20),
        )
        ApplicationTransition.objects.create(
            application=own.submitted,
            quarter=own.quarter,
            from_status=Application.Status.DRAFT,
            to_status=Application.Status.SUBMITTED,
            actor=network.advisor,
            comment="Vollständig",
        )
        decided = _decided_ballot(network)
        fields = stamp()
    return World(network, own, running, decided, check, fields)


def _decided_ballot(network: Network) -> Ballot:
    application = prepared_application(network)
    ballot = committee_services.ballot_open(
        committee=network.own_quarter.committees.get(),
        kind=Ballot.Kind.MEETING,
        title="Sitzung",
        applications=[application],
        actor=network.staff,
        meeting_on=timezone.now(),
        location="Rathaus",
    )
    committee_services.vote_cast(
        case=ballot.cases.get(),
        member=network.committee_member,
        choice=Vote.Choice.APPROVE_WITH_CONDITIONS,
        conditions="Gewerbeanmeldung vorlegen.",
        comment="Guter Standort.",
    )
    return committee_services.ballot_close(ballot=ballot, actor=network.staff)


def stamp() -> dict[int, str]:
    """Write the payload into every typed column of every row; copy every audit entry with the
    payload as its object and values. Returns the fields by number. Call without a scope."""
    fields = typed_fields()
    empty = [f.label for f in fields if not f.model._base_manager.exists()]
    assert not empty, f"add a row of these models to the world: {empty}"
    for field in fields:
        manager = field.model._base_manager
        for i, pk in enumerate(manager.order_by("pk").values_list("pk", flat=True), start=1):
            value = payload(field.number, i, field.max_length)
            if isinstance(field.model._meta.get_field(field.name), models.JSONField):
                value = {"text": value}
            manager.filter(pk=pk).update(**{field.name: value})
    numbers = {f.number: f.label for f in fields}
    repr_number, changes_number = len(fields) + 1, len(fields) + 2
    numbers[repr_number] = "audit.AuditEntry.object_repr"
    numbers[changes_number] = "audit.AuditEntry.changes"
    for i, entry in enumerate(AuditEntry.objects.order_by("pk"), start=1):
        AuditEntry.objects.create(
            actor=entry.actor,
            action=entry.action,
            quarter_id=entry.quarter_id,
            object_type=entry.object_type,
            object_id=entry.object_id,
            object_repr=payload(repr_number, i, 200),
            changes={key: payload(changes_number, i, None) for key in entry.changes or {"x": 1}},
        )
    return numbers
