"""The forms of credits: the guided application entry, the documents, the workflow steps and
the back office's decision template.

Plain forms, not ModelForms: the services write, the forms only read what was typed. Labels
come from the models' verbose names so that a field is called the same everywhere (and is
translated once). A draft may be incomplete, so every field of an application step is
optional; the borrower's names and date of birth are not, because a person is recognised by
them when they apply again.
"""

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from miqua.forms import BirthDateField, DateField, MoneyField, amount_hint, years_after
from miqua.money import format_eur
from miqua.text import model_max_length
from quarters.models import Quarter

from . import selectors
from .models import Application, ApplicationDocument, Borrower
from .workflow import Transition

# Family businesses of a quarter may be a century old; "0001" or "1012" is a typo.
EARLIEST_FOUNDING = datetime.date(1900, 1, 1)


def _label(model: type[models.Model], name: str) -> Promise | str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _yes_no_unknown(label: Promise | str, help_text: Promise | str = "") -> forms.NullBooleanField:
    """Yes, no, or "not yet known": a question the advisor may not be able to answer today."""
    return forms.NullBooleanField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.RadioSelect(
            choices=[("True", _("yes")), ("False", _("no")), ("", _("not yet known"))]
        ),
    )


def _choices_or_open(
    choices: list[tuple[str, Any]], open_label: Promise | str
) -> list[tuple[str, Any]]:
    return [*choices, ("", open_label)]


class StepForm(forms.Form):
    """A form of one step; it may need the application for its help texts."""

    def __init__(self, *args: Any, application: Application | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application = application


class BorrowerForm(StepForm):
    """Step "Person": who applies."""

    first_name = forms.CharField(label=_label(Borrower, "first_name"), max_length=80)
    last_name = forms.CharField(label=_label(Borrower, "last_name"), max_length=80)
    date_of_birth = BirthDateField(
        label=_label(Borrower, "date_of_birth"),
        help_text=_("With the names, it lets MIQUA recognise a person who applied before."),
    )
    email = forms.EmailField(label=_label(Borrower, "email"), required=False)
    phone = forms.CharField(label=_label(Borrower, "phone"), max_length=40, required=False)
    street = forms.CharField(label=_label(Borrower, "street"), max_length=120, required=False)
    postal_code = forms.CharField(
        label=_label(Borrower, "postal_code"), max_length=10, required=False
    )
    city = forms.CharField(label=_label(Borrower, "city"), max_length=80, required=False)
    languages = forms.CharField(
        label=_label(Borrower, "languages"),
        max_length=200,
        required=False,
        help_text=_("e.g. Deutsch, Türkisch"),
    )
    receives_sgb2 = _yes_no_unknown(_label(Borrower, "receives_sgb2"))
    bank_relationship = forms.ChoiceField(
        label=_label(Borrower, "bank_relationship"),
        required=False,
        choices=_choices_or_open(Borrower.BankRelationship.choices, _("not yet known")),
        widget=forms.RadioSelect,
    )


class ApplicationCreateForm(BorrowerForm):
    """Step 1 of a new application: the person, and the quarter if the advisor has several."""

    quarter = forms.ModelChoiceField(
        label=_("Quarter"),
        queryset=Quarter.objects.none(),
        empty_label=_("– choose the quarter –"),
        help_text=_("The quarter the business is in."),
    )

    field_order = ["quarter"]

    def __init__(self, *args: Any, quarters: QuerySet[Quarter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(quarters) > 1:
            self.fields["quarter"].queryset = quarters
        else:
            del self.fields["quarter"]


class BusinessForm(StepForm):
    """Step "Business"."""

    business_name = forms.CharField(
        label=_label(Application, "business_name"), max_length=160, required=False
    )
    trade = forms.CharField(
        label=_label(Application, "trade"),
        max_length=120,
        required=False,
        help_text=_("e.g. tailoring, grocery, cleaning service"),
    )
    stage = forms.ChoiceField(
        label=_label(Application, "stage"),
        required=False,
        choices=_choices_or_open(Application.Stage.choices, _("not yet known")),
        widget=forms.RadioSelect,
    )
    founded_on = DateField(
        label=_label(Application, "founded_on"),
        required=False,
        help_text=_("For a start-up: the planned date."),
        earliest=EARLIEST_FOUNDING,
        # A start-up gives its planned date; a plan further ahead is no case for a loan yet.
        latest=lambda: years_after(timezone.localdate(), 2),
        error_messages={
            "too_late": _(
                "Please check the year: a planned founding date lies at most two years ahead "
                "(until %(latest)s)."
            )
        },
    )
    jobs_now = forms.IntegerField(
        label=_label(Application, "jobs_now"),
        required=False,
        min_value=0,
        max_value=999,
        help_text=_("Including the owner."),
    )
    jobs_planned = forms.IntegerField(
        label=_label(Application, "jobs_planned"),
        required=False,
        min_value=0,
        max_value=999,
        help_text=_("With the loan, including the owner."),
    )


class RequestForm(StepForm):
    """Step "Request": amount, purpose and term, with the product's limits as help."""

    amount = MoneyField(label=_label(Application, "amount"), required=False)
    purpose = forms.CharField(
        label=_label(Application, "purpose"),
        required=False,
        max_length=model_max_length(Application, "purpose"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What will the money be spent on? e.g. a second sewing machine, goods."),
    )
    term_months = forms.IntegerField(
        label=_label(Application, "term_months"), required=False, min_value=1, max_value=999
    )
    grace_months = forms.IntegerField(
        label=_label(Application, "grace_months"),
        required=False,
        min_value=0,
        max_value=999,
        help_text=_("Months at the start in which only the interest is paid. Usually 0."),
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, application=application, **kwargs)
        product = application.product
        cycle = selectors.loan_cycle(borrower=application.borrower, application=application)
        self.fields["amount"].help_text = _(
            "Loan number %(cycle)s of this person: from %(min)s to %(max)s."
        ) % {
            "cycle": cycle,
            "min": format_eur(product.min_amount),
            "max": format_eur(product.max_amount_for_cycle(cycle)),
        }
        self.fields["term_months"].help_text = _("At most %(months)s months.") % {
            "months": product.max_term_months
        }

    def clean_grace_months(self) -> int:
        # The model has no "unknown" here: no grace months is the normal case.
        return self.cleaned_data["grace_months"] or 0


class AssessmentForm(StepForm):
    """Step "Assessment": the two guiding questions, the target-group matrix, the figures."""

    improves_situation = forms.CharField(
        label=_label(Application, "improves_situation"),
        required=False,
        max_length=model_max_length(Application, "improves_situation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("No loan that pushes a person into financial distress."),
    )
    can_repay = forms.CharField(
        label=_label(Application, "can_repay"),
        required=False,
        max_length=model_max_length(Application, "can_repay"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    potential = forms.ChoiceField(
        label=_label(Application, "potential"),
        required=False,
        choices=_choices_or_open(Application.Level.choices, _("not yet judged")),
        widget=forms.RadioSelect,
        help_text=_("The personal profit and the jobs created or secured."),
    )
    handicap = forms.ChoiceField(
        label=_label(Application, "handicap"),
        required=False,
        choices=_choices_or_open(Application.Handicap.choices, _("not yet judged")),
        widget=forms.RadioSelect,
    )
    monthly_income = MoneyField(
        label=_label(Application, "monthly_income"),
        required=False,
        help_text=amount_hint(gettext_noop("Of the business, per month, for example %(example)s.")),
    )
    monthly_costs = MoneyField(
        label=_label(Application, "monthly_costs"),
        required=False,
        help_text=_("Rent, goods, insurance, living costs, per month."),
    )
    repayable_if_closed = _yes_no_unknown(
        _label(Application, "repayable_if_closed"),
        help_text=_("The amount must be small enough to repay even if the business closes."),
    )
    repayable_if_closed_note = forms.CharField(
        label=_label(Application, "repayable_if_closed_note"),
        required=False,
        max_length=model_max_length(Application, "repayable_if_closed_note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. from a salaried job, help of the family."),
    )


STEP_FORMS: dict[str, type[StepForm]] = {
    "person": BorrowerForm,
    "business": BusinessForm,
    "request": RequestForm,
    "assessment": AssessmentForm,
}


def step_initial(step: str, application: Application) -> dict[str, object]:
    """What a step's form shows of the saved draft."""
    source: object = application.borrower if step == "person" else application
    return {name: getattr(source, name) for name in STEP_FORMS[step].base_fields}


# --- Documents ----------------------------------------------------------------------------------

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of document is it?"),
        choices=ApplicationDocument.Kind.choices,
        initial=ApplicationDocument.Kind.OTHER,
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("Please choose a file to upload.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "document-%s")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, JPEG or PNG, at most %(size)s. A photo taken with a phone is fine."
        ) % {"size": filesizeformat(settings.MIQUA_UPLOAD_MAX_BYTES)}


# --- Workflow -----------------------------------------------------------------------------------


class TransitionForm(forms.Form):
    """What a person writes with a step. The service decides what is required (and says so at
    the field); the form only collects it."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required. Write each condition so that the borrower and the bank can check it, "
            "e.g. “Proof of the business registration before the payout”."
        ),
    )
    outcome = forms.ChoiceField(
        label=_("What made the loan unnecessary?"),
        required=False,
        choices=Application.Outcome.choices,
        widget=forms.RadioSelect,
    )
    outcome_note = forms.CharField(
        label=_("Note on the outcome (optional)"),
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
            self.fields["comment"].label = _("Reason")
            self.fields["comment"].help_text = _(
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


class PrepareForm(forms.Form):
    """The back office's part of the decision template."""

    staff_assessment = forms.CharField(
        label=_("Assessment of the microfinancier"),
        required=False,
        max_length=model_max_length(Application, "staff_assessment"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Your view of the person, the business and the plan: what speaks for the loan, "
            "what against, and how the two guiding questions are answered."
        ),
    )
    recommendation = forms.CharField(
        label=_("Recommendation to the committee"),
        required=False,
        max_length=model_max_length(Application, "recommendation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("e.g. “Approve 5.000 € over 24 months” or “Approve on condition that …”."),
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
