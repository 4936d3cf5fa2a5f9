"""The committee's part of an application (see `credits.extensions`): its ballots and what
each decided, on the application's page, so that a ballot without quorum is seen where people
look, and, for the back office, the way to put the application on a ballot."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from credits.extensions import ApplicationPart
from credits.models import Application
from miqua.audit.read_cache import cached_for

from .models import BallotCase
from .selectors import awaiting_ballot, committees_for_application


def panel_context(request: HttpRequest, application: Application) -> Mapping[str, Any]:
    # Kept until the data changes (miqua/audit/read_cache.py).
    cases = cached_for(
        application,
        "ballot-cases",
        lambda: list(
            BallotCase.objects.filter(application=application)
            .select_related("ballot__committee")
            .order_by("ballot__opened_at", "pk")
        ),
    )
    last = cases[-1] if cases else None
    can_manage = request.user.has_perm("committees.manage_ballots")
    ballot_committees = []
    if can_manage and awaiting_ballot().filter(pk=application.pk).exists():
        ballot_committees = list(committees_for_application(application=application))
    return {
        "committee_cases": cases,
        "committee_last_case": last,
        "committee_without_quorum": (
            last is not None
            and not last.is_open
            and last.result == BallotCase.Result.NO_QUORUM
            and application.status == Application.Status.BEFORE_COMMITTEE
        ),
        # Where the back office puts it on a ballot, if it is ready for one.
        "committee_ballot_committees": ballot_committees,
    }


COMMITTEE = ApplicationPart(
    name="committee",
    panel_template="committees/_application_panel.html",
    panel_context=panel_context,
)
