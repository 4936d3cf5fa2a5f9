"""A borrower's page: the person, their applications and their loans, and the panels of the apps
standing on credits (monitoring: the contacts, with the quick form).

Reached through the scoped manager (another quarter's borrower does not exist for the user:
404; one outside the quarters exists for the back office only), then the right (403). Views
acting on the page (recording a contact) import `render_borrower_detail` to show their bound
form with its errors again.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import extensions, selectors
from ..models import Borrower
from .access import object_for
from .detail import missing_mark


def borrower_for(request: HttpRequest, pk: int, *, perm: str) -> Borrower:
    """Scoped first (404), then the right (403)."""
    return object_for(request, Borrower.objects.select_related("quarter__municipality"), pk, perm)


def render_borrower_detail(
    request: HttpRequest, borrower: Borrower, *, status: int = 200, **overrides: object
) -> HttpResponse:
    """The borrower's page. `overrides` replace context entries, so a view can show its bound
    form with errors again (`contact_form=form`). A fixed number of queries, however many
    applications and loans."""
    today = timezone.localdate()
    overview = selectors.borrower_overview(borrower=borrower, today=today)
    context: dict[str, object] = {
        "missing": missing_mark(),
        "borrower": borrower,
        "today": today,
        "applications": overview.applications,
        "loan_rows": overview.loans,
    }
    extensions.add_borrower_panels(context, request, borrower)
    context.update(overrides)
    return render(request, "credits/borrower_detail.html", context, status=status)


@login_required
@require_safe
def borrower_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_borrower_detail(request, borrower_for(request, pk, perm="credits.view_borrower"))
