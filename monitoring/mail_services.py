"""The mails after a monthly check: each advisor gets the due contacts and the disrupted loans of
their quarters on the check's day, the back office a summary of the whole network.

Sent once per check: the check's row is claimed (`mails_sent_at` from empty to now) by one
conditional UPDATE in the transaction that composes the mails, and the mails leave after its
commit, so a rerun or a second worker finds the claim taken and sends nothing twice.
Set-based: the due contacts, the snapshots and the rates of every quarter are read in a few
queries and grouped by quarter in Python, whatever the number of loans, advisors or quarters.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from miqua.accounts.models import NETWORK_ROLES, Role, User
from miqua.accounts.predicates import require_perm
from miqua.accounts.tasks import send_email
from miqua.audit.services import audit_record
from quarters.models import Quarter

from .contact_selectors import DueContact, due_contacts
from .models import LoanSnapshot, MonthlyCheck, QuarterRate
from .selectors import OUTSIDE_LABEL, above_standard, rate_percent, rate_total


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


@dataclass
class QuarterWork:
    """What a check leaves to do in one quarter (or outside the quarters): the borrowers due a
    contact, and the loans in arrears on the check's day, longest past due first."""

    due: list[DueContact] = field(default_factory=list)
    disrupted: list[LoanSnapshot] = field(default_factory=list)


@dataclass(frozen=True)
class SummaryRow:
    """One line of the staff summary: a quarter (None: outside the quarters)."""

    quarter: Quarter | None
    label: str | Promise  # lazy outside the quarters: rendered in the recipient's language
    active: int
    disrupted: int
    due_contacts: int
    above_standard: bool

    @property
    def percent(self) -> Decimal:
        return rate_percent(self.disrupted, self.active)


def _work_by_quarter(check: MonthlyCheck) -> dict[int | None, QuarterWork]:
    """Four queries for the whole network: the due contacts (three) and the snapshots (one)."""
    work: dict[int | None, QuarterWork] = defaultdict(QuarterWork)
    for row in due_contacts(today=check.as_of):
        work[row.loan.quarter_id].due.append(row)
    snapshots = (
        LoanSnapshot.objects.filter(check_run=check)
        .select_related("loan__borrower", "quarter")
        .order_by("-days_past_due", "loan__contract_number", "pk")
    )
    for snapshot in snapshots:
        work[snapshot.quarter_id].disrupted.append(snapshot)
    return work


def _advisors_with_quarters() -> list[tuple[User, list[int]]]:
    """Every active advisor with a mail address and the quarters they advise (two queries)."""
    advisors = {
        user.pk: user
        for user in User.objects.filter(role=Role.ADVISOR, is_active=True)
        .exclude(email="")
        .order_by("pk")
    }
    quarters: dict[int, list[int]] = defaultdict(list)
    links = (
        User.advised_quarters.through.objects.filter(user_id__in=list(advisors))
        .order_by("user_id", "quarter_id")
        .values_list("user_id", "quarter_id")
    )
    for user_id, quarter_id in links:
        quarters[user_id].append(quarter_id)
    return [(user, quarters[pk]) for pk, user in advisors.items() if quarters[pk]]


def _summary_rows(
    check: MonthlyCheck, work: dict[int | None, QuarterWork]
) -> tuple[list[SummaryRow], SummaryRow | None]:
    """The quarters in the order of the check's page, and the loans outside the quarters."""
    rates = list(
        QuarterRate.objects.filter(check_run=check)
        .select_related("quarter__municipality")
        .order_by("quarter__municipality__name", "quarter__name")
    )
    counts: dict[int | None, tuple[int, int]] = {
        r.quarter_id: (r.active, r.disrupted) for r in rates
    }
    quarters = {r.quarter_id: r.quarter for r in rates if r.quarter_id is not None}
    # A quarter with due contacts but no active loan on the check's day (a payout recorded
    # later with an earlier date) still belongs in the summary.
    missing = [q for q in work if q is not None and q not in quarters]
    if missing:
        quarters.update(
            {q.pk: q for q in Quarter.objects.filter(pk__in=missing).select_related("municipality")}
        )
    standard = check.standard_percent

    def row(quarter_id: int | None) -> SummaryRow:
        active, disrupted = counts.get(quarter_id, (0, 0))
        quarter = quarters.get(quarter_id) if quarter_id is not None else None
        return SummaryRow(
            quarter=quarter,
            label=str(quarter) if quarter is not None else OUTSIDE_LABEL,
            active=active,
            disrupted=disrupted,
            due_contacts=len(work[quarter_id].due) if quarter_id in work else 0,
            above_standard=above_standard(disrupted, active, standard),
        )

    inside = sorted(
        (row(quarter_id) for quarter_id in quarters),
        key=lambda r: (r.quarter.municipality.name, r.quarter.name) if r.quarter else ("", ""),
    )
    outside = row(None) if None in counts or None in work else None
    return inside, outside


def _render(template: str, context: dict[str, object]) -> tuple[str, str]:
    text = render_to_string(f"monitoring/mail/{template}.txt", context)
    html = render_to_string(f"monitoring/mail/{template}.html", context)
    return text.strip() + "\n", html


def _subject(text: str) -> str:
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + text


def _due_order(row: DueContact) -> tuple[int, int, int, int]:
    """As `due_contacts` orders them: the disrupted first, longest past due first, then the
    monthly ones, longest without contact (or never heard from) first."""
    if row.weekly:
        return (0, -row.days_past_due, 0, row.loan.pk)
    last = row.last_contact_on.toordinal() if row.last_contact_on else 0
    return (1, 0, last, row.loan.pk)


def _advisor_mails(
    check: MonthlyCheck, work: dict[int | None, QuarterWork], base: dict[str, object]
) -> list[Mail]:
    mails = []
    for advisor, quarter_ids in _advisors_with_quarters():
        due = [row for q in quarter_ids if q in work for row in work[q].due]
        disrupted = [s for q in quarter_ids if q in work for s in work[q].disrupted]
        if not due and not disrupted:
            continue
        # Each quarter's rows come sorted; across several quarters they are sorted again.
        due.sort(key=_due_order)
        disrupted.sort(key=lambda s: (-s.days_past_due, s.loan.contract_number, s.pk))
        with translation.override(advisor.language or settings.LANGUAGE_CODE):
            context = {**base, "user": advisor, "due": due, "disrupted": disrupted}
            text, html = _render("advisor", context)
            subject = _(
                "Monthly check of %(day)s: contacts due: %(due)d, loans in arrears: %(disrupted)d"
            ) % {
                "day": date_format(check.as_of, "SHORT_DATE_FORMAT"),
                "due": len(due),
                "disrupted": len(disrupted),
            }
        mails.append(Mail(advisor.email, _subject(subject), text, html))
    return mails


def _staff_mails(
    check: MonthlyCheck, work: dict[int | None, QuarterWork], base: dict[str, object]
) -> list[Mail]:
    inside, outside = _summary_rows(check, work)
    rows = [*inside, *([outside] if outside is not None else [])]
    context = {
        **base,
        "total": rate_total(check=check),
        "rows": rows,
        "above": [r for r in inside if r.above_standard],
        "due_total": sum(r.due_contacts for r in rows),
    }
    mails = []
    staff = User.objects.filter(role__in=NETWORK_ROLES, is_active=True).exclude(email="")
    for user in staff.order_by("pk"):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text, html = _render("staff_summary", {**context, "user": user})
            day = date_format(check.as_of, "SHORT_DATE_FORMAT")
            subject = (
                _("Monthly check of %(day)s: above the standard, quality measures required")
                if check.requires_qa
                else _("Monthly check of %(day)s: within the standard")
            ) % {"day": day}
        mails.append(Mail(user.email, _subject(subject), text, html))
    return mails


def monthly_check_mails_send(*, check: MonthlyCheck, actor: User | None = None) -> int:
    """Mail the result of `check` once: to each advisor their quarters' due contacts and
    disrupted loans (an advisor with nothing due gets no mail), to the back office the
    summary. Returns how many mails were sent now (0 when they went out before, or when the
    check is not done)."""
    if actor is not None:
        require_perm(actor, "monitoring.run_monthly_check")
    with transaction.atomic(), scopes_disabled():
        claimed = MonthlyCheck.objects.filter(
            pk=check.pk, status=MonthlyCheck.Status.DONE, mails_sent_at__isnull=True
        ).update(mails_sent_at=timezone.now())
        if not claimed:
            return 0
        check = MonthlyCheck.objects.get(pk=check.pk)
        work = _work_by_quarter(check)
        base: dict[str, object] = {
            "check": check,
            "base_url": settings.MIQUA_BASE_URL.rstrip("/"),
        }
        advisor_mails = _advisor_mails(check, work, base)
        staff_mails = _staff_mails(check, work, base)
        mails = [*advisor_mails, *staff_mails]
        audit_record(
            actor=actor,
            action="monthly_check.mailed",
            obj=check,
            changes={
                "mails": len(mails),
                "advisors": len(advisor_mails),
                "staff": len(staff_mails),
            },
        )
        # After the commit only: a rollback (the claim undone) must not have mailed anyone.
        transaction.on_commit(lambda: _send(mails))
    return len(mails)


# A check is news for this long; an older one left unmailed (say, recorded by seed_demo or
# before the mails existed) is history and is not mailed any more.
MAIL_FRESH_DAYS = 31


def newest_check_mails_send(*, today: datetime.date, actor: User | None = None) -> int:
    """Mail the newest check if it is still unmailed and fresh: what the schedule and the
    command do after a catch-up. Also when the catch-up found nothing to check, so a worker
    that stopped between the check's commit and its mails mails it on the next run."""
    with scopes_disabled():
        newest = (
            MonthlyCheck.objects.filter(status=MonthlyCheck.Status.DONE).order_by("-as_of").first()
        )
    if newest is None or newest.mails_sent_at is not None:
        return 0
    if (today - newest.as_of).days >= MAIL_FRESH_DAYS:
        return 0
    return monthly_check_mails_send(check=newest, actor=actor)


def _send(mails: list[Mail]) -> None:
    for mail in mails:
        send_email.delay(subject=mail.subject, body=mail.text, html=mail.html, to=[mail.to])
