"""Role home pages: each role's start page, joining what several apps know (the quarters and
their funds, the applications waiting, a committee member's open votes). It stands on top of
the apps, so it may ask each of them."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
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
from miqua.audit.read_cache import cached_read
from miqua.csv_export import Column, csv_response, wants_csv
from monitoring import selectors as check_selectors
from monitoring.contact_selectors import DueContacts, due_contact_count
from monitoring.disrupted_selectors import disrupted_count
from monitoring.municipality_selectors import fund_use_by_quarter
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
        return _overviews_csv(viewer=user.role == Role.MUNICIPALITY_VIEWER)
    may = {perm: user.has_perm(perm) for perm in HOME_PERMISSIONS}
    today = timezone.localdate()
    # The same figures for everybody of the same role and scope until the data changes: kept
    # (miqua/audit/read_cache.py), so the home page costs its rendering only.
    figures = cached_read(
        "home",
        lambda: _home_figures(role=user.role, is_network_staff=user.is_network_staff, may=may),
        day=today,
        parts=(user.role, user.is_network_staff, *sorted(p for p, ok in may.items() if ok)),
    )
    context: dict[str, object] = {**figures, "may_view_portfolio": may["monitoring.view_portfolio"]}
    if user.is_network_staff:
        # The back office sees every quarter: a page of the table at a time.
        context["quarters_page"] = Paginator(figures["overviews"], QUARTERS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["page_obj"] = context["quarters_page"]
    return render(request, "home/home.html", context)


# What the home page shows depends on these permissions (of the role, not of an object).
HOME_PERMISSIONS = (
    "committees.manage_ballots",
    "credits.import_statement",
    "credits.confirm_loan",
    "credits.view_application",
    "monitoring.view_contacts",
    "monitoring.view_checks",
    "monitoring.view_portfolio",
)
# Quarters per page of the back office's table (the network has hundreds).
QUARTERS_PAGE_SIZE = 50


def _home_figures(*, role: str, is_network_staff: bool, may: dict[str, bool]) -> dict[str, object]:
    """The figures of the home page in the current scope, for a user with the permissions `may`."""
    overviews = quarter_selectors.quarter_overviews()
    # A municipality viewer sees the funds' use as their dashboard does: held to the
    # small-number rule (the use of a quarter with one or two loans is their debt).
    fund_use = fund_use_by_quarter(overviews=overviews) if role == Role.MUNICIPALITY_VIEWER else {}
    return {
        "overviews": overviews,
        "cards": [(o, fund_use.get(o.quarter.pk)) for o in overviews],
        "totals": quarter_selectors.totals_of(overviews),
        "application_counts": _application_counts(may),
        **_committee_work(may),
        **_statement_work(may),
        "payouts_awaiting": _payouts_awaiting(may),
        "due_contact_count": _due_contact_count(may),
        "first_due_contacts": _first_due_contacts(may, is_network_staff=is_network_staff),
        "disrupted_loan_count": _disrupted_loan_count(may),
        **_monthly_check(may),
    }


def _committee_work(may: dict[str, bool]) -> dict[str, object]:
    """For the back office: what must go before a committee, and which cases a ballot left
    without a decision (no quorum), so that nobody has to remember them."""
    if not may["committees.manage_ballots"]:
        return {}
    awaiting = committee_selectors.awaiting_ballot()
    return {
        "awaiting_ballot": awaiting.count(),
        "without_quorum": committee_selectors.without_quorum(applications=awaiting),
    }


def _statement_work(may: dict[str, bool]) -> dict[str, object]:
    """For the back office: the bank statement entries no loan was found for."""
    if not may["credits.import_statement"]:
        return {}
    return {"statement_review": BankEntry.objects.filter(status=BankEntry.Status.REVIEW).count()}


def _payouts_awaiting(may: dict[str, bool]) -> int | None:
    """For the back office: payouts recorded and waiting for a second person's confirmation."""
    if not may["credits.confirm_loan"]:
        return None
    return pending_payouts().count()


def _due_contact_count(may: dict[str, bool]) -> int | None:
    """For advisors and the back office: the borrowers due a contact (monitoring's worklist)."""
    if not may["monitoring.view_contacts"]:
        return None
    return due_contact_count(today=timezone.localdate())


# How many of the due contacts an advisor's home names (the worklist has them all).
FIRST_DUE_CONTACTS = 5


def _first_due_contacts(may: dict[str, bool], *, is_network_staff: bool) -> list[object] | None:
    """For advisors: the first borrowers due a contact (the disrupted ones first), three
    queries however many there are. The back office's home counts them only."""
    if is_network_staff or not may["monitoring.view_contacts"]:
        return None
    # Sliced by the database: the first few, not every due contact read and cut.
    return list(DueContacts(today=timezone.localdate())[0:FIRST_DUE_CONTACTS])


def _disrupted_loan_count(may: dict[str, bool]) -> int | None:
    """For the back office and advisors: the loans in arrears today in the quarters they see
    (the intensive-care list)."""
    if not may["monitoring.view_contacts"]:
        return None
    return disrupted_count(today=timezone.localdate())


def _monthly_check(may: dict[str, bool]) -> dict[str, object]:
    """For advisors and the back office: the latest monthly check (the network's rate) and,
    for the back office, its open quality measures."""
    if not may["monitoring.view_checks"]:
        return {}
    return {"may_view_checks": True, "latest_check": check_selectors.latest_check()}


def _application_counts(may: dict[str, bool]) -> dict[str, object] | None:
    """What waits in the application list: for the back office the submitted and prepared
    ones, for advisors their drafts and everything open, and every status with its count
    (`by_status`: value, label, count, in the workflow's order). None for those who may not
    see it. One query."""
    if not may["credits.view_application"]:
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


def _overviews_csv(*, viewer: bool) -> HttpResponse:
    """The quarters of the home page with their fund figures, as a file (figures of the funds
    only, no person). A municipality viewer's file holds the capacity used to the small-number
    rule as their page does ("< 3", "x"), and leaves out the utilisation it would give away."""
    overviews = quarter_selectors.quarter_overviews()
    used: Callable[[quarter_selectors.QuarterOverview], object] = _figure("outstanding_exposure")
    available: Callable[[quarter_selectors.QuarterOverview], object] = _figure("available_capacity")
    if viewer:
        use = fund_use_by_quarter(overviews=overviews)
        used = lambda o: use[o.quarter.pk][0].api_value  # noqa: E731
        available = lambda o: use[o.quarter.pk][1].api_value  # noqa: E731
    columns: list[Column[quarter_selectors.QuarterOverview]] = [
        Column(_("Municipality"), lambda o: o.quarter.municipality.name),
        Column(_("Quarter"), lambda o: o.quarter.name),
        Column(_("Liability capital"), _figure("paid_in_capital")),
        Column(_("Lending capacity"), _figure("lending_capacity")),
        Column(_("Capacity used"), used),
        Column(_("Available"), available),
    ]
    if not viewer:
        columns.append(Column(_("Utilisation (%)"), _figure("utilisation_percent")))
    return csv_response(rows=overviews, columns=columns, name=_("Quarters"))
