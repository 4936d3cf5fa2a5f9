"""The advisor enters an application as a short guided form: person, business, request,
assessment, then the overview. Every step saves a draft, so nothing typed is lost when the
advisor stops half-way and comes back; the services check what was typed."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from miqua.forms import apply_validation_error
from miqua.money import format_eur
from quarters.models import Quarter

from .. import selectors, services
from ..forms import STEP_FORMS, ApplicationCreateForm, GuaranteeForm, StepForm, step_initial
from ..models import Application
from .access import application_for

STEPS: dict[str, Promise] = {
    "person": gettext_lazy("Person"),
    "business": gettext_lazy("Business"),
    "request": gettext_lazy("Request"),
    "assessment": gettext_lazy("Assessment"),
}
OVERVIEW = "overview"

# The target-group matrix of the credit decision: (potential, handicap) -> who that is.
QUADRANTS: dict[tuple[str, str], Promise] = {
    ("high", "little"): gettext_lazy("classic bank customers"),
    ("high", "large"): gettext_lazy("microcredit target group"),
    ("low", "little"): gettext_lazy("bank customers if fully secured"),
    ("low", "large"): gettext_lazy("social projects with long terms"),
}


@dataclass(frozen=True)
class StepLink:
    key: str
    label: Promise
    url: str
    current: bool


@dataclass(frozen=True)
class MatrixCell:
    label: Promise
    current: bool
    target: bool


@dataclass(frozen=True)
class Affordability:
    free_cash_flow: Decimal
    instalment: Decimal
    remaining: Decimal

    @property
    def carries(self) -> bool:
        return self.remaining >= 0


def _steps_nav(application: Application, current: str) -> list[StepLink]:
    links = [
        StepLink(
            key, label, reverse("application_edit", args=[application.pk, key]), key == current
        )
        for key, label in STEPS.items()
    ]
    overview_url = reverse("application_detail", args=[application.pk])
    return [*links, StepLink(OVERVIEW, gettext_lazy("Overview"), overview_url, current == OVERVIEW)]


def _matrix(application: Application) -> list[tuple[Promise, list[MatrixCell]]]:
    """Rows "high"/"low" potential, columns "little"/"large" handicap; the chosen cell marked."""
    rows = []
    row_labels = {"high": gettext_lazy("high potential"), "low": gettext_lazy("low potential")}
    for level, level_label in row_labels.items():
        cells = [
            MatrixCell(
                QUADRANTS[(level, handicap)],
                current=(application.potential, application.handicap) == (level, handicap),
                target=(level, handicap) == ("high", "large"),
            )
            for handicap, _label in Application.Handicap.choices
        ]
        rows.append((level_label, cells))
    return rows


def _figures(application: Application) -> dict[str, object]:
    """The request and the assessment in numbers, as saved."""
    cycle = selectors.loan_cycle(borrower=application.borrower, application=application)
    instalment = selectors.instalment_of(application=application)
    free_cash_flow = application.free_cash_flow
    affordability = None
    if instalment is not None and free_cash_flow is not None:
        affordability = Affordability(free_cash_flow, instalment, free_cash_flow - instalment)
    return {
        "cycle": cycle,
        "cycle_limit": application.product.max_amount_for_cycle(cycle),
        "instalment": instalment,
        "affordability": affordability,
        "quadrant": QUADRANTS.get((application.potential, application.handicap)),
        "matrix": _matrix(application),
    }


def _get_application(request: HttpRequest, pk: int) -> Application:
    # Scoped: another quarter's application does not exist for this user (404).
    return application_for(request, pk, perm="credits.view_application")


def _require_change(request: HttpRequest, application: Application) -> None:
    if request.user.has_perm("credits.change_application", application):
        return
    if application.status != Application.Status.DRAFT:
        raise PermissionDenied(
            _(
                "This application is “%(status)s”: only a draft can be changed. If something "
                "must be corrected, the microfinancier's office can return it to the advisor."
            )
            % {"status": application.get_status_display()}
        )
    raise PermissionDenied(
        _("Only the advisors of the quarter enter and change a draft; you can read it.")
    )


@login_required
def application_create(request: HttpRequest) -> HttpResponse:
    """Step 1: who applies (and in which quarter). Saving starts the draft."""
    if not request.user.has_perm("credits.add_application"):
        raise PermissionDenied
    quarters = Quarter.objects.order_by("name")  # the scope leaves the advisor's own only
    if not quarters:
        raise PermissionDenied(
            _("You are not assigned to a quarter yet. Please ask the microfinancier's office.")
        )
    form = ApplicationCreateForm(request.POST or None, quarters=quarters)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        quarter = data.pop("quarter", None) or quarters[0]
        if not request.user.has_perm("credits.add_application", quarter):
            raise PermissionDenied
        known = selectors.find_borrower(
            quarter=quarter,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
        )
        try:
            application = services.application_create(
                quarter=quarter, borrower_data=data, actor=request.user
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            if known is not None:
                messages.info(request, _recognised_message(application))
            messages.success(request, _("The draft is started. Next: the business."))
            return redirect("application_edit", pk=application.pk, step="business")
    context = {
        "form": form,
        "step": "person",
        "step_label": STEPS["person"],
        "step_number": 1,
        # No draft yet, so nothing to jump to: the steps are shown, not linked.
        "steps": [StepLink(key, label, "", key == "person") for key, label in STEPS.items()],
    }
    status = 400 if form.is_bound else 200
    return render(request, "credits/application_create.html", context, status=status)


def _recognised_message(application: Application) -> str:
    loans = selectors.earlier_loans(borrower=application.borrower, application=application)
    count = loans.count()
    if count == 0:
        return _(
            "%(name)s is already known in this quarter, without a loan so far. The record was "
            "reused and updated with what you typed."
        ) % {"name": application.borrower.full_name}
    return ngettext(
        "%(name)s is already known in this quarter and had %(count)s earlier loan. The "
        "record was reused and updated with what you typed.",
        "%(name)s is already known in this quarter and had %(count)s earlier loans. The "
        "record was reused and updated with what you typed.",
        count,
    ) % {"name": application.borrower.full_name, "count": count}


def _render_step(
    request: HttpRequest, application: Application, step: str, form: StepForm, status: int = 200
) -> HttpResponse:
    keys = list(STEPS)
    index = keys.index(step)
    context = {
        "application": application,
        "step": step,
        "step_label": STEPS[step],
        "step_number": index + 1,
        "is_last_step": index == len(keys) - 1,
        "form": form,
        "steps": _steps_nav(application, current=step),
        **_figures(application),
    }
    return render(request, "credits/application_step.html", context, status=status)


def _save_step(
    step: str, application: Application, data: dict[str, object], request: HttpRequest
) -> None:
    if step == "person":
        services.borrower_update(application=application, data=data, actor=request.user)
    else:
        services.application_update(application=application, data=data, actor=request.user)


def _after_save(request: HttpRequest, application: Application, step: str) -> HttpResponse:
    """Where a saved step leads: a step the advisor jumped to, the next step, or this one."""
    keys = list(STEPS)
    target = request.POST.get("goto", "")
    if not target and "continue" in request.POST:
        index = keys.index(step) + 1
        target = keys[index] if index < len(keys) else OVERVIEW
    if target == OVERVIEW:
        return redirect("application_detail", pk=application.pk)
    return redirect("application_edit", pk=application.pk, step=target if target in STEPS else step)


@login_required
def application_edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of a draft. Every save keeps what was typed, even if the draft is incomplete."""
    if step not in STEPS:
        raise Http404
    application = _get_application(request, pk)
    _require_change(request, application)
    form_class = STEP_FORMS[step]
    if request.method != "POST":
        form = form_class(initial=step_initial(step, application), application=application)
        return _render_step(request, application, step, form)
    form = form_class(request.POST, application=application)
    if form.is_valid():
        try:
            _save_step(step, application, form.cleaned_data, request)
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(request, _("Draft saved."))
            return _after_save(request, application, step)
    # Everything typed stays in the form; the errors stand next to their fields.
    return _render_step(request, application, step, form, status=400)


def render_application_detail(
    request: HttpRequest, application: Application, *, status: int = 200, **overrides: object
) -> HttpResponse:
    """The overview page of an application. `overrides` replace context entries, so a view
    can show its bound form with errors again (`guarantee_form=form`, `document_form=form`)."""
    # Imported here: those modules import this one for the same function.
    from .documents import documents_context
    from .workflow import workflow_context

    borrower = application.borrower
    can_manage_guarantees = request.user.has_perm("credits.manage_guarantees", application)
    cover = selectors.guarantee_cover(application=application)
    context: dict[str, object] = {
        "missing": format_html('<span class="muted">{}</span>', _("not entered yet")),
        "application": application,
        "borrower": borrower,
        "can_change": request.user.has_perm("credits.change_application", application),
        "steps": _steps_nav(application, current=OVERVIEW),
        **_figures(application),
        "earlier_loans": selectors.earlier_loans(borrower=borrower, application=application),
        "guarantees": selectors.guarantees_with_open_totals(application=application),
        "cover": cover,
        "missing_guarantors": max(cover.required_count - cover.count, 0),
        "can_manage_guarantees": can_manage_guarantees,
        "guarantee_form": (
            GuaranteeForm(application=application) if can_manage_guarantees else None
        ),
    }
    context.update(documents_context(request, application))
    context.update(workflow_context(request, application))
    context.update(overrides)
    return render(request, "credits/application_detail.html", context, status=status)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_application_detail(request, _get_application(request, pk))


def _get_for_guarantees(request: HttpRequest, pk: int) -> Application:
    application = _get_application(request, pk)
    if not request.user.has_perm("credits.manage_guarantees", application):
        raise PermissionDenied(
            _(
                "Guarantors are added and removed by the quarter's advisors while the "
                "application is a draft."
            )
        )
    return application


@login_required
@require_POST
def guarantee_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get_for_guarantees(request, pk)
    form = GuaranteeForm(request.POST, application=application)
    if form.is_valid():
        try:
            guarantee = services.guarantee_add(
                application=application, actor=request.user, **form.service_kwargs()
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _("%(name)s now guarantees %(amount)s.")
                % {"name": guarantee.guarantor.full_name, "amount": format_eur(guarantee.amount)},
            )
            return redirect(reverse("application_detail", args=[pk]) + "#guarantees")
    return render_application_detail(request, application, status=400, guarantee_form=form)


@login_required
@require_POST
def guarantee_remove(request: HttpRequest, pk: int, guarantee_pk: int) -> HttpResponse:
    application = _get_for_guarantees(request, pk)
    guarantee = get_object_or_404(
        application.guarantees.select_related("guarantor", "application"), pk=guarantee_pk
    )
    services.guarantee_remove(guarantee=guarantee, actor=request.user)
    messages.success(
        request,
        _("%(name)s no longer guarantees for this application.")
        % {"name": guarantee.guarantor.full_name},
    )
    return redirect(reverse("application_detail", args=[pk]) + "#guarantees")
