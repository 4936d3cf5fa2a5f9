"""Moving an application along its workflow, and the back office's decision template.

The detail page shows only the steps `credits.workflow.available_transitions` offers this
user; the transition view still checks everything again through the service, because a form
can be posted from anywhere.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from miqua.forms import apply_validation_error

from .. import extensions, selectors, services
from ..forms import PrepareForm, TransitionForm
from ..models import Application
from ..workflow import TRANSITIONS, available_transitions
from .access import application_for
from .detail import render_application_detail, workflow_context


def _detail_url(application: Application) -> str:
    # The top of the page: the message and the status badge say what happened.
    return reverse("application_detail", args=[application.pk])


@login_required
@require_POST
def application_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise Http404
    application = application_for(request, pk, perm="credits.view_application")
    if not request.user.has_perm(transition.perm, application):
        # Not this role's step at all: no page of theirs offers it.
        messages.error(
            request,
            _("“%(step)s” is not a step for your role (%(role)s).")
            % {"step": transition.label, "role": request.user.get_role_display()},
        )
        raise PermissionDenied
    form = TransitionForm(request.POST, transition=transition)
    if form.is_valid():
        try:
            application = services.application_transition(
                application=application,
                name=name,
                actor=request.user,
                **form.service_arguments(),
            )
        except ValidationError as e:
            if getattr(e, "code", None) == "incomplete":
                # The page lists what is missing right above the button: say so, not again.
                e = ValidationError(
                    _("The application cannot be submitted yet: please complete the list above.")
                )
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _("Done: the application is now “%(status)s”.")
                % {"status": application.get_status_display()},
            )
            return redirect(_detail_url(application))
    offered = available_transitions(application=application, user=request.user)
    if transition not in offered:
        # The page does not show this step now (say, the state moved on in another tab): its
        # form cannot carry the message, so the top of the page does.
        for message in form.non_field_errors():
            messages.error(request, message)
    return render_application_detail(
        request, application, status=400, **workflow_context(request, application, bound=form)
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """The back office writes its part of the decision template next to a summary of the
    application, and may mark it as prepared in the same step."""
    application = application_for(request, pk, perm="credits.prepare_application")
    can_mark = any(
        t.name == "prepare"
        for t in available_transitions(application=application, user=request.user)
    )
    status = 200
    if request.method == "POST":
        mark = can_mark and request.POST.get("action") == "prepare"
        form = PrepareForm(request.POST, mark_prepared=mark)
        if form.is_valid():
            try:
                # Both or neither: a failed marking must not leave half a step behind.
                with transaction.atomic():
                    application = services.application_prepare(
                        application=application,
                        staff_assessment=form.cleaned_data["staff_assessment"],
                        recommendation=form.cleaned_data["recommendation"],
                        actor=request.user,
                    )
                    if mark:
                        application = services.application_transition(
                            application=application, name="prepare", actor=request.user
                        )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                if mark:
                    messages.success(
                        request,
                        _("Saved. The application is now “%(status)s”.")
                        % {"status": application.get_status_display()},
                    )
                    return redirect(_detail_url(application))
                messages.success(request, _("The decision template is saved."))
                return redirect("application_prepare", pk=application.pk)
        status = 400
    else:
        form = PrepareForm(
            initial={
                "staff_assessment": application.staff_assessment,
                "recommendation": application.recommendation,
            }
        )
    facts = selectors.decision_facts(application=application)
    context = {
        "application": application,
        "facts": facts,
        "figures": facts.figures,
        "form": form,
        "can_mark_prepared": can_mark,
    }
    extensions.add_sections(context, application)
    return render(request, "credits/application_prepare.html", context, status=status)
