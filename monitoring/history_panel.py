"""The loan page's panel of the loan's disruption history, month by month, as the monthly checks
found it on each 15th."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils import formats

from credits.extensions import LoanPanel
from credits.models import Loan
from miqua.audit.read_cache import cached_for

from . import selectors


def history_panel_context(request: HttpRequest, loan: Loan) -> Mapping[str, Any]:
    # Whoever may follow the loan's contacts follows its disruptions (advisors and staff).
    if not request.user.has_perm("monitoring.view_contacts", loan):
        return {"disruption_months": None}
    months = cached_for(loan, "disruption-history", lambda: selectors.disruption_history(loan=loan))
    return {
        "disruption_months": months,
        "disruption_years": _by_year(months),
        "disrupted_months": [month for month in months if month.disrupted],
        "month_names": [formats.date_format(datetime.date(2000, n, 1), "M") for n in range(1, 13)],
    }


def _by_year(months: list[selectors.MonthOfLoan]) -> list[tuple[int, list[Any]]]:
    """The months as a calendar, newest year first: twelve cells a year, None where the loan
    was not checked (before its payout, after its closing)."""
    years: dict[int, list[selectors.MonthOfLoan | None]] = {}
    for month in months:
        years.setdefault(month.as_of.year, [None] * 12)[month.as_of.month - 1] = month
    return sorted(years.items(), reverse=True)


HISTORY_PANEL = LoanPanel(
    name="disruption_history",
    template="monitoring/_loan_disruption_panel.html",
    context=history_panel_context,
    order=45,
)
