"""Role home pages: each role's start page, joining what several apps know (the quarters and
their funds, the applications waiting, a committee member's open votes). It stands on top of
the apps, so it may ask each of them."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import selectors as committee_selectors
from committees.selectors import current_memberships_of
from credits import selectors as credit_selectors
from credits.loan_page_selectors import pending_payouts
from credits.models import Application, BankEntry
from credits.workflow import OPEN_STATES
from miqua.accounts.models import Role
from miqua.csv_export import Column, csv_response, wants_csv
from monitoring import selectors as check_selectors
from monitoring.contact_selectors import due_contact_count, due_contacts
from monitoring.disrupted_selectors import disrupted_count
from quarters import selectors as quarter_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: the quarters it may see, with their fund figures."""
    user = request.user
    if user.role == Role.COMMITTEE_MEMBER:
        memberships = list(current_memberships_of(user=user))
        # Each committee's open ballots, with the cases this member has still to vote on.
        ballots = committee_selectors.open_ballots_to_vote(user=user)
        for membership in memberships:
            membership.open_ballots = [
                b for b in ballots if b["ballot"].committee_id == membership.committee_id
            ]
        return render(request, "home/home_committee.html", {"memberships": memberships})
    if wants_csv(request):
        return _overviews_csv()
    overviews = quarter_selectors.quarter_overviews()
    return render(
        request,
        "home/home.html",
        {
            "overviews": overviews,
            "totals": quarter_selectors.totals_of(overviews),
            "application_counts": _application_counts(request),
            **_committee_work(request),
            **_statement_work(request),
            "payouts_awaiting": _payouts_awaiting(request),
            "due_contact_count": _due_contact_count(request),
            "first_due_contacts": _first_due_contacts(request),
            "disrupted_loan_count": _disrupted_loan_count(request),
            "may_view_portfolio": request.user.has_perm("monitoring.view_portfolio"),
            **_monthly_check(request),
        },
    )


def _committee_work(request: HttpRequest) -> dict[str, object]:
    """For the back office: what must go before a committee, and which cases a ballot left
    without a decision (no quorum), so that nobody has to remember them."""
    if not request.user.has_perm("committees.manage_ballots"):
        return {}
    awaiting = committee_selectors.awaiting_ballot()
    return {
        "awaiting_ballot": awaiting.count(),
        "without_quorum": committee_selectors.without_quorum(applications=awaiting),
    }


def _statement_work(request: HttpRequest) -> dict[str, object]:
    """For the back office: the bank statement entries no loan was found for."""
    if not request.user.has_perm("credits.import_statement"):
        return {}
    return {"statement_review": BankEntry.objects.filter(status=BankEntry.Status.REVIEW).count()}


def _payouts_awaiting(request: HttpRequest) -> int | None:
    """For the back office: payouts recorded and waiting for a second person's confirmation."""
    if not request.user.has_perm("credits.confirm_loan"):
        return None
    return pending_payouts().count()


def _due_contact_count(request: HttpRequest) -> int | None:
    """For advisors and the back office: the borrowers due a contact (monitoring's worklist)."""
    if not request.user.has_perm("monitoring.view_contacts"):
        return None
    return due_contact_count(today=timezone.localdate())


# How many of the due contacts an advisor's home names (the worklist has them all).
FIRST_DUE_CONTACTS = 5


def _first_due_contacts(request: HttpRequest) -> list[object] | None:
    """For advisors: the first borrowers due a contact (the disrupted ones first), three
    queries however many there are. The back office's home counts them only."""
    if request.user.is_network_staff or not request.user.has_perm("monitoring.view_contacts"):
        return None
    return list(due_contacts(today=timezone.localdate())[:FIRST_DUE_CONTACTS])


def _disrupted_loan_count(request: HttpRequest) -> int | None:
    """For the back office and advisors: the loans in arrears today in the quarters they see
    (the intensive-care list)."""
    if not request.user.has_perm("monitoring.view_contacts"):
        return None
    return disrupted_count(today=timezone.localdate())


def _monthly_check(request: HttpRequest) -> dict[str, object]:
    """For advisors and the back office: the latest monthly check (the network's rate) and,
    for the back office, its open quality measures."""
    if not request.user.has_perm("monitoring.view_checks"):
        return {}
    return {"may_view_checks": True, "latest_check": check_selectors.latest_check()}


def _application_counts(request: HttpRequest) -> dict[str, object] | None:
    """What waits in the application list: for the back office the submitted and prepared
    ones, for advisors their drafts and everything open, and every status with its count
    (`by_status`: value, label, count, in the workflow's order). None for those who may not
    see it. One query."""
    if not request.user.has_perm("credits.view_application"):
        return None
    counts = credit_selectors.status_counts()
    S = Application.Status
    return {
        "draft": counts.get(S.DRAFT, 0),
        "submitted": counts.get(S.SUBMITTED, 0),
        "prepared": counts.get(S.PREPARED, 0),
        "open": sum(counts.get(status, 0) for status in OPEN_STATES),
        "all": sum(counts.values()),
        "by_status": [(status.value, status.label, counts.get(status, 0)) for status in S],
    }


def _figure(name: str) -> Callable[[quarter_selectors.QuarterOverview], object]:
    return lambda o: getattr(o.figures, name) if o.figures else None


def _overviews_csv() -> HttpResponse:
    """The quarters of the home page with their fund figures, as a file (figures of the funds
    only, no person: the same for every role that has the page)."""
    columns: list[Column[quarter_selectors.QuarterOverview]] = [
        Column(_("Municipality"), lambda o: o.quarter.municipality.name),
        Column(_("Quarter"), lambda o: o.quarter.name),
        Column(_("Liability capital"), _figure("paid_in_capital")),
        Column(_("Lending capacity"), _figure("lending_capacity")),
        Column(_("Capacity used"), _figure("outstanding_exposure")),
        Column(_("Available"), _figure("available_capacity")),
        Column(_("Utilisation (%)"), _figure("utilisation_percent")),
    ]
    return csv_response(
        rows=quarter_selectors.quarter_overviews(), columns=columns, name=_("Quarters")
    )
