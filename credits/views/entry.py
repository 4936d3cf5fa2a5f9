"""The advisor enters an application as a short guided form: person, business, request,
assessment, then the overview. Every step saves a draft, so nothing typed is lost when the
advisor stops half-way and comes back; the services check what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from miqua.forms import apply_validation_error
from quarters.models import Quarter

from .. import selectors, services
from ..forms import STEP_FORMS, ApplicationCreateForm, StepForm, step_initial
from ..models import Application
from .access import application_for
from .context import OVERVIEW, STEPS, StepLink, figures_context, steps_nav


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
        "steps": steps_nav(application, current=step),
        **figures_context(application),
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
