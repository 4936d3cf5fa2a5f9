"""The GDPR duties carried out: the information under Art. 15 and the erasure under Art. 17.

The erasure runs as a periodic job (`privacy.tasks.run_erasures`), idempotent like the monthly
check: each person is erased in a transaction of their own whose first write is their unique
`Erasure` row, so a rerun finds them done and a second worker at the same time waits for the
first and then skips them. Each erasure writes one new audit entry (the pseudonym and what was
erased, no personal data); the entries written before are never changed (the audit trail is
append-only).
"""

import datetime
from typing import Literal

from django.db import models, transaction
from django_scopes import scopes_disabled

from miqua.accounts.models import User
from miqua.accounts.predicates import require_perm
from miqua.audit.services import audit_record
from miqua.personal_data import KINDS, holdings, person

from . import access
from .models import Erasure
from .selectors import due_dates, due_persons

Format = Literal["json", "pdf"]


@transaction.atomic
def access_give(*, kind: str, record: models.Model, fmt: Format, actor: User) -> bytes:
    """The information under Art. 15 about the person `record` (a borrower or guarantor), as a
    JSON file or a PDF, in German; the audit trail records that it was given and to whom."""
    require_perm(actor, "privacy.give_access", record)
    report = access.access_report(kind=kind, record=record)
    data = access.report_json(report) if fmt == "json" else access.report_pdf(report)
    audit_record(
        actor=actor,
        action="privacy.access_given",
        obj=record,
        quarter_id=getattr(record, "quarter_id", None),
        changes={"format": fmt},
    )
    return data


def person_erase(*, kind: str, person_id: int, today: datetime.date) -> Erasure | None:
    """Erase the personal data of one person if every record of theirs may go `today`;
    None if they may not, or were erased already (by an earlier run or another worker)."""
    who = person(kind)
    with transaction.atomic(), scopes_disabled():
        if not due_persons(kind=kind, day=today).filter(pk=person_id).exists():
            return None
        record = who.model.objects.get(pk=person_id)
        due = due_dates(kind=kind, ids=[person_id])[person_id]
        erasure, created = Erasure.objects.get_or_create(
            kind=kind,
            person_id=person_id,
            defaults={
                "pseudonym": who.pseudonym(person_id),
                "quarter_id": getattr(record, "quarter_id", None),
                "reason": due.rule,
                "due_on": due.day,
            },
        )
        if not created:
            return None
        erased: dict[str, int] = {}
        for holding in holdings(kind):
            if holding.erasable and (count := holding.erase([person_id])):
                erased[holding.name] = count
        erasure.erased = erased
        erasure.save(update_fields=["erased"])
        record.refresh_from_db()
        audit_record(
            actor=None,
            action="privacy.erased",
            obj=record,  # named by its pseudonym now
            quarter_id=erasure.quarter_id,
            changes={
                "pseudonym": erasure.pseudonym,
                "reason": erasure.reason,
                "erased": [f"{name}: {count}" for name, count in erased.items()],
            },
        )
        return erasure


def erasures_run(*, today: datetime.date) -> list[Erasure]:
    """Erase every person due `today`, borrowers and guarantors; returns the erasures made now
    (none on a second run the same day)."""
    done: list[Erasure] = []
    for kind in KINDS:
        with scopes_disabled():
            ids = list(
                due_persons(kind=kind, day=today).order_by("pk").values_list("pk", flat=True)
            )
        for person_id in ids:
            erasure = person_erase(kind=kind, person_id=person_id, today=today)
            if erasure is not None:
                done.append(erasure)
    return done
