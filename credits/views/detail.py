"""The application's page (the overview): its parts, each built by one context builder here,
and the panels of the apps standing on credits (`credits.extensions`).

The views that act on the page (a workflow step, an upload, a guarantee) import
`render_application_detail` from here to show their bound form with its errors again; this
module imports none of them.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from miqua.audit.read_cache import cached_for

from .. import extensions, selectors, services
from ..forms import DocumentForm, TransitionForm
from ..models import Application, Loan
from ..workflow import APPROVED_STATES, Transition, available_transitions
from .access import application_for
from .context import OVERVIEW, figures_context, steps_nav

S = Application.Status

# How the steps are grouped on the page: moving on, sending back, and withdrawing (a result
# too, but never the obvious button). Putting before the committee and its decisions are no
# one's steps here: the committee's ballot takes them (see its panel on this page).
FORWARD = ("submit", "prepare")

BUTTONS: dict[str, Promise] = {
    "submit": gettext_lazy("Submit to the microfinancier"),
    "prepare": gettext_lazy("Mark as prepared"),
    "return": gettext_lazy("Return to the advisor"),
    "withdraw": gettext_lazy("Withdraw the application"),
}

EXPLANATIONS: dict[str, Promise] = {
    "submit": gettext_lazy(
        "The microfinancier's office checks the application and writes the decision template. "
        "You cannot change the application after submitting unless it is returned to you."
    ),
    "prepare": gettext_lazy(
        "The decision template is complete; the application can then be put before the committee."
    ),
    "return": gettext_lazy(
        "The advisor can change the application again. Your reason is shown to them in the history."
    ),
}


@dataclass(frozen=True)
class Step:
    transition: Transition
    form: TransitionForm

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def button(self) -> str:
        return str(BUTTONS.get(self.name, self.transition.label))

    @property
    def explanation(self) -> str:
        return str(EXPLANATIONS.get(self.name, ""))


def documents_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    """What the application's page shows of its documents."""
    can_upload = request.user.has_perm("credits.upload_document", application)
    return {
        "documents": cached_for(
            application,
            "documents",
            lambda: list(application.documents.select_related("uploaded_by")),
        ),
        "document_form": DocumentForm() if can_upload else None,
    }


def payout_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    """The payout of an approved application: its loan once recorded, or for staff the way to
    record it."""
    if application.status not in APPROVED_STATES:
        return {"payout_loan": None, "can_record_payout": False}
    loan = cached_for(
        application, "payout-loan", lambda: Loan.objects.filter(application=application).first()
    )
    return {
        "payout_loan": loan,
        "can_view_payout": loan is not None and request.user.has_perm("credits.view_loan", loan),
        "can_record_payout": loan is None
        and request.user.has_perm("credits.record_loan", application),
    }


def workflow_context(
    request: HttpRequest, application: Application, *, bound: TransitionForm | None = None
) -> dict[str, Any]:
    """The workflow part of the application's page: the steps this user may take now (each with
    its form; `bound` replaces the empty form of its step to show what was typed and the
    errors), what still keeps a draft from being submitted, and the status history."""
    steps = [
        Step(
            transition,
            bound
            if bound is not None and bound.transition.name == transition.name
            else TransitionForm(transition=transition),
        )
        for transition in available_transitions(application=application, user=request.user)
    ]
    by_name = {step.name: step for step in steps}
    return {
        "workflow_forward": [by_name[n] for n in FORWARD if n in by_name],
        "workflow_return": by_name.get("return"),
        "workflow_withdraw": by_name.get("withdraw"),
        "workflow_missing_items": (
            services.application_missing_items(application=application)
            if application.status == S.DRAFT
            else None
        ),
        "workflow_template_written": bool(
            application.staff_assessment and application.recommendation
        ),
        "can_prepare": request.user.has_perm("credits.prepare_application", application),
        "can_view_decision_template": request.user.has_perm(
            "credits.view_decision_template", application
        ),
        "status_changes": cached_for(
            application,
            "status-changes",
            lambda: list(application.transitions.select_related("actor")),
        ),
    }


def missing_mark() -> str:
    """What the facts of a person or business show for a field left empty."""
    return format_html('<span class="muted">{}</span>', _("not entered yet"))


def render_application_detail(
    request: HttpRequest, application: Application, *, status: int = 200, **overrides: object
) -> HttpResponse:
    """The overview page of an application. `overrides` replace context entries, so a view
    can show its bound form with errors again (`guarantee_form=form`, `document_form=form`)."""
    borrower = application.borrower
    context: dict[str, object] = {
        "missing": missing_mark(),
        "application": application,
        "borrower": borrower,
        "can_change": request.user.has_perm("credits.change_application", application),
        "can_view_borrower": request.user.has_perm("credits.view_borrower", borrower),
        "steps": steps_nav(application, current=OVERVIEW),
        # What the page reads of the application's data, kept until it changes
        # (miqua/audit/read_cache.py); the rights and forms above and below are the user's.
        **cached_for(application, "figures", lambda: figures_context(application)),
        "earlier_loans": cached_for(
            application,
            "earlier-loans",
            lambda: list(selectors.earlier_loans(borrower=borrower, application=application)),
        ),
    }
    context.update(documents_context(request, application))
    context.update(workflow_context(request, application))
    context.update(payout_context(request, application))
    extensions.add_panels(context, request, application)
    context.update(overrides)
    return render(request, "credits/application_detail.html", context, status=status)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Scoped: another quarter's application does not exist for this user (404).
    return render_application_detail(
        request, application_for(request, pk, perm="credits.view_application")
    )
