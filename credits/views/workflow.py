"""Moving an application along its workflow, and the back office's decision template.

The detail page shows only the steps `credits.workflow.available_transitions` offers this
user; the transition view still checks everything again through the service, because a form
can be posted from anywhere.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from credits import services
from credits.models import Application
from credits.pdf import decision_template_facts
from credits.workflow import TRANSITIONS, Transition, available_transitions
from miqua.forms import apply_validation_error

from .access import application_for

S = Application.Status

# How the steps are grouped on the page: moving on, the committee's decision (recorded by the
# back office), sending back, and withdrawing (a result too, but never the obvious button).
FORWARD = ("submit", "prepare", "present")
DECISIONS = ("approve", "approve_with_conditions", "reject", "defer")

BUTTONS: dict[str, Promise] = {
    "submit": gettext_lazy("Submit to the microfinancier"),
    "prepare": gettext_lazy("Mark as prepared"),
    "present": gettext_lazy("Put before the committee"),
    "approve": gettext_lazy("Record: approved"),
    "approve_with_conditions": gettext_lazy("Record: approved with conditions"),
    "reject": gettext_lazy("Record: rejected"),
    "defer": gettext_lazy("Record: deferred"),
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
    "present": gettext_lazy("Then the committee members can see the decision template."),
    "return": gettext_lazy(
        "The advisor can change the application again. Your reason is shown to them in the history."
    ),
}


class TransitionForm(forms.Form):
    """What a person writes with a step. The service decides what is required (and says so at
    the field); the form only collects it."""

    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    conditions = forms.CharField(
        label=gettext_lazy("Conditions"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Required. Write each condition so that the borrower and the bank can check it, "
            "e.g. “Proof of the business registration before the payout”."
        ),
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("What made the loan unnecessary?"),
        required=False,
        choices=Application.Outcome.choices,
        widget=forms.RadioSelect,
    )
    outcome_note = forms.CharField(
        label=gettext_lazy("Note on the outcome (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, transition: Transition, **kwargs: Any) -> None:
        # Several of these forms are on one page: each needs its own element ids.
        kwargs.setdefault("auto_id", f"step-{transition.name}-%s")
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.needs_comment:
            self.fields["comment"].label = gettext_lazy("Reason")
            self.fields["comment"].help_text = gettext_lazy(
                "Required. It is recorded with the step and shown in the history."
            )
            self.fields["comment"].widget.attrs["rows"] = 3
        if not transition.needs_conditions:
            del self.fields["conditions"]
        if not transition.needs_outcome:
            del self.fields["outcome"]
            del self.fields["outcome_note"]
        if transition.needs_outcome or transition.needs_conditions:
            # The conditions, or the note on the outcome, are what the history records.
            del self.fields["comment"]

    def service_arguments(self) -> dict[str, str]:
        return {field: self.cleaned_data.get(field) or "" for field in self.fields}


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
        for transition in available_transitions(application=application, role=request.user.role)
    ]
    by_name = {step.name: step for step in steps}
    return {
        "workflow_forward": [by_name[n] for n in FORWARD if n in by_name],
        "workflow_decisions": [by_name[n] for n in DECISIONS if n in by_name],
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
        "status_changes": list(application.transitions.select_related("actor")),
    }


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
    if request.user.role not in transition.roles:
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
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _("Done: the application is now “%(status)s”.")
                % {"status": application.get_status_display()},
            )
            return redirect(_detail_url(application))
    offered = available_transitions(application=application, role=request.user.role)
    if transition not in offered:
        # The page does not show this step now (say, the state moved on in another tab): its
        # form cannot carry the message, so the top of the page does.
        for message in form.non_field_errors():
            messages.error(request, message)
    from .entry import render_application_detail

    return render_application_detail(
        request, application, status=400, **workflow_context(request, application, bound=form)
    )


class PrepareForm(forms.Form):
    staff_assessment = forms.CharField(
        label=gettext_lazy("Assessment of the microfinancier"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy(
            "Your view of the person, the business and the plan: what speaks for the loan, "
            "what against, and how the two guiding questions are answered."
        ),
    )
    recommendation = forms.CharField(
        label=gettext_lazy("Recommendation to the committee"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "e.g. “Approve 5.000 € over 24 months” or “Approve on condition that …”."
        ),
    )

    def __init__(self, *args: Any, mark_prepared: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mark_prepared = mark_prepared

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.mark_prepared:
            # Saving half a text is fine; marking it as prepared needs both parts.
            for field in ("staff_assessment", "recommendation"):
                if not (data.get(field) or "").strip():
                    self.add_error(
                        field, _("Please write this part before marking the template prepared.")
                    )
        return data


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """The back office writes its part of the decision template next to a summary of the
    application, and may mark it as prepared in the same step."""
    application = application_for(request, pk, perm="credits.prepare_application")
    can_mark = any(
        t.name == "prepare"
        for t in available_transitions(application=application, role=request.user.role)
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
    context = {
        "application": application,
        "facts": decision_template_facts(application=application),
        "form": form,
        "can_mark_prepared": can_mark,
    }
    return render(request, "credits/application_prepare.html", context, status=status)
