"""The loan page's panel of the loan's disruption history, month by month, as the monthly checks
found it on each 15th."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from credits.extensions import LoanPanel
from credits.models import Loan

from . import selectors


def history_panel_context(request: HttpRequest, loan: Loan) -> Mapping[str, Any]:
    # Whoever may follow the loan's contacts follows its disruptions (advisors and staff).
    if not request.user.has_perm("monitoring.view_contacts", loan):
        return {"disruption_months": None}
    months = selectors.disruption_history(loan=loan)
    return {
        "disruption_months": months,
        "disrupted_months": sum(1 for month in months if month.disrupted),
    }


HISTORY_PANEL = LoanPanel(
    name="disruption_history",
    template="monitoring/_loan_disruption_panel.html",
    context=history_panel_context,
    order=45,
)
