"""The information owed to a person under Art. 15 GDPR: every field of every record MIQUA
holds about them (`miqua.personal_data`: what each app registered), and the audit entries
about those records, as a JSON file and as a readable PDF.

Each field is given twice: `value`, as stored (ids of related records, ISO dates, amounts as
decimal text), and `text`, as a person reads it (the related record's name, the choice's label,
German dates and numbers). Labels and texts are German unless the caller asks for English.
Only the person's own records are read: what another person's records hold never enters.
"""

import datetime
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from miqua.audit.models import AuditEntry
from miqua.pdf import html_to_pdf
from miqua.personal_data import Period, holdings, person

TEMPLATE = "privacy/pdf/access_report.html"
# A section with at most this many fields is one table, a column per field (the payments, the
# bank entries: many rows); a wider one (an application has almost forty fields) shows each
# record as a list of its fields.
MAX_COLUMNS = 18


@dataclass(frozen=True)
class FieldValue:
    name: str
    label: str
    value: Any
    text: str


@dataclass(frozen=True)
class Record:
    model: str
    id: int
    fields: list[FieldValue]


@dataclass(frozen=True)
class Section:
    name: str
    heading: str
    records: list[Record]

    @property
    def columns(self) -> list[str]:
        return [f.label for f in self.records[0].fields] if self.records else []

    @property
    def as_table(self) -> bool:
        return len(self.columns) <= MAX_COLUMNS


@dataclass(frozen=True)
class AccessReport:
    kind: str
    kind_label: str
    person_id: int
    name: str
    made_at: datetime.datetime
    language: str
    information: list[tuple[str, str]]
    sections: list[Section]


class _RelatedNames:
    """The name of each related record (a quarter, a loan, an advisor), read once however often
    the records point at it."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, object], str] = {}

    def of(self, model: type[models.Model], pk: object) -> str:
        key = (model._meta.label_lower, pk)
        if key not in self._names:
            # The base manager: the records are the person's, seen already; a record they point
            # at (their quarter) is named whatever scope asks.
            related = model._base_manager.filter(pk=pk).first()
            self._names[key] = str(related) if related is not None else str(pk)
        return self._names[key]


def _value(field: models.Field, obj: models.Model, names: _RelatedNames) -> FieldValue:
    raw = getattr(obj, field.attname)
    label = str(field.verbose_name)
    if isinstance(raw, FieldFile):
        raw = raw.name or None
    if raw is None or raw == "":
        return FieldValue(field.name, label, raw, "")
    if field.is_relation and field.related_model is not None:
        return FieldValue(field.name, label, raw, names.of(field.related_model, raw))
    if field.choices:
        return FieldValue(field.name, label, raw, str(dict(field.flatchoices).get(raw, raw)))
    if isinstance(field, models.JSONField):
        return FieldValue(field.name, label, raw, json.dumps(raw, ensure_ascii=False))
    if isinstance(raw, bool):
        return FieldValue(field.name, label, raw, _("yes") if raw else _("no"))
    if isinstance(raw, datetime.datetime):
        text = formats.date_format(timezone.localtime(raw), "SHORT_DATETIME_FORMAT")
        return FieldValue(field.name, label, raw.isoformat(), text)
    if isinstance(raw, datetime.date):
        text = formats.date_format(raw, "SHORT_DATE_FORMAT")
        return FieldValue(field.name, label, raw.isoformat(), text)
    if isinstance(raw, Decimal):
        return FieldValue(field.name, label, str(raw), formats.localize(raw))
    return FieldValue(field.name, label, raw, str(raw))


def _record(obj: models.Model, names: _RelatedNames) -> Record:
    return Record(
        model=obj._meta.label_lower,
        id=obj.pk,
        fields=[_value(field, obj, names) for field in obj._meta.concrete_fields],
    )


def _audit_entries(records: Iterable[tuple[str, int]]) -> list[AuditEntry]:
    """The audit entries about these records (what was done with them, by whom, when)."""
    by_model: dict[str, list[str]] = {}
    for model, pk in records:
        by_model.setdefault(model, []).append(str(pk))
    if not by_model:
        return []
    about = Q()
    for model, ids in by_model.items():
        about |= Q(object_type=model, object_id__in=ids)
    return list(AuditEntry.objects.filter(about).order_by("created_at", "id"))


def _information() -> list[tuple[str, str]]:
    """What Art. 15 (1) asks besides the data: purposes, recipients, periods, rights, source."""
    return [
        (
            _("Purposes"),
            _(
                "Deciding on a microcredit and accompanying it until the last instalment; "
                "guarantees; figures for the municipalities without any name."
            ),
        ),
        (
            _("Recipients"),
            _(
                "The microfinancier's staff and the advisors of the quarter, the award committee "
                "that decides the application, and the bank that signs the contract and "
                "receives the instalments. Municipalities see only figures summed up."
            ),
        ),
        (
            _("How long"),
            _(
                "Applications that did not become a loan: %(months)s months after the decision. "
                "Loans: %(years)s years after they closed (HGB § 257, AO § 147). Then the names "
                "are replaced by a pseudonym and the personal data erased."
            )
            % {
                "months": Period.UNFUNDED.months(),
                "years": Period.RETENTION.months() // 12,
            },
        ),
        (
            _("Source"),
            _(
                "The person themselves, their advisor, the award committee, and the bank's "
                "statements of the repayment account."
            ),
        ),
        (
            _("Rights"),
            _(
                "Correction (Art. 16), erasure (Art. 17), restriction (Art. 18), objection "
                "(Art. 21) and complaint to a supervisory authority (Art. 77 GDPR). Uploaded "
                "documents are listed by name, kind and size; copies are given on request."
            ),
        ),
    ]


def access_report(*, kind: str, record: models.Model, language: str = "de") -> AccessReport:
    """Everything held about the person `record` of `kind`, in `language`."""
    with translation.override(language):
        names = _RelatedNames()
        sections: list[Section] = []
        seen: list[tuple[str, int]] = []
        for holding in holdings(kind):
            rows = list(holding.records([record.pk]).order_by("pk"))
            sections.append(
                Section(holding.name, holding.heading, [_record(row, names) for row in rows])
            )
            seen += [(row._meta.label_lower, row.pk) for row in rows]
        entries = _audit_entries(seen)
        sections.append(
            Section(
                "audit.entries",
                str(AuditEntry._meta.verbose_name_plural),
                [_record(entry, names) for entry in entries],
            )
        )
        return AccessReport(
            kind=kind,
            kind_label=str(person(kind).label),
            person_id=record.pk,
            name=str(record),
            made_at=timezone.now(),
            language=language,
            information=_information(),
            sections=sections,
        )


def report_json(report: AccessReport) -> bytes:
    with translation.override(report.language):
        document = {
            "document": _("Information under Art. 15 GDPR"),
            "made_at": report.made_at.isoformat(),
            "person": {
                "kind": report.kind,
                "kind_label": report.kind_label,
                "id": report.person_id,
                "name": report.name,
            },
            "information": [{"heading": h, "text": t} for h, t in report.information],
            "sections": [
                {
                    "name": section.name,
                    "heading": section.heading,
                    "records": [asdict(record) for record in section.records],
                }
                for section in report.sections
            ],
        }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


def report_html(report: AccessReport) -> str:
    with translation.override(report.language):
        return render_to_string(TEMPLATE, {"report": report})


def report_pdf(report: AccessReport) -> bytes:
    return html_to_pdf(report_html(report))


def report_filename(*, kind: str, person_id: int, day: datetime.date, extension: str) -> str:
    """No name in the file's name: it lands in a downloads folder."""
    return f"Auskunft-Art15-{person(kind).prefix}-{person_id}-{day.isoformat()}.{extension}"
