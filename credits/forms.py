"""The forms of the guided application entry.

Plain forms, not ModelForms: the services write, the forms only read what was typed. Labels
come from the models' verbose names so that a field is called the same everywhere (and is
translated once). A draft may be incomplete, so every field of an application step is
optional; the borrower's names and date of birth are not, because a person is recognised by
them when they apply again.
"""

import datetime
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from guarantors.models import Guarantor
from miqua.forms import DateInput, MoneyField
from miqua.money import format_eur
from quarters.models import Quarter

from . import selectors
from .models import Application, Borrower


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
    date_of_birth = forms.DateField(
        label=_label(Borrower, "date_of_birth"),
        widget=DateInput(),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_date_of_birth(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if day >= today:
            raise forms.ValidationError(
                _("The date of birth must be in the past. Please check the year."), code="future"
            )
        if day.year < today.year - 110:
            raise forms.ValidationError(
                _("Please check the year of the date of birth."), code="too_old"
            )
        return day


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
    founded_on = forms.DateField(
        label=_label(Application, "founded_on"),
        required=False,
        widget=DateInput(),
        help_text=_("For a start-up: the planned date."),
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
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("No loan that pushes a person into financial distress."),
    )
    can_repay = forms.CharField(
        label=_label(Application, "can_repay"),
        required=False,
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
        help_text=_("Of the business, per month, for example 2.400,00."),
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
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. from a salaried job, help of the family."),
    )


class GuarantorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Guarantor) -> str:
        details = [obj.full_name]
        if obj.date_of_birth:
            details.append(formats.date_format(obj.date_of_birth, "SHORT_DATE_FORMAT"))
        if obj.city:
            details.append(obj.city)
        return ", ".join(details)


class GuaranteeForm(forms.Form):
    """A guarantor of the quarter, or a new one, and what they guarantee."""

    guarantor = GuarantorChoiceField(
        label=_("Guarantor known in the quarter"),
        queryset=Guarantor.objects.none(),
        required=False,
        empty_label=_("– a new guarantor, entered below –"),
    )
    first_name = forms.CharField(
        label=_label(Guarantor, "first_name"), max_length=80, required=False
    )
    last_name = forms.CharField(label=_label(Guarantor, "last_name"), max_length=80, required=False)
    date_of_birth = forms.DateField(
        label=_label(Guarantor, "date_of_birth"), required=False, widget=DateInput()
    )
    phone = forms.CharField(label=_label(Guarantor, "phone"), max_length=40, required=False)
    email = forms.EmailField(label=_label(Guarantor, "email"), required=False)
    street = forms.CharField(label=_label(Guarantor, "street"), max_length=120, required=False)
    postal_code = forms.CharField(
        label=_label(Guarantor, "postal_code"), max_length=10, required=False
    )
    city = forms.CharField(label=_label(Guarantor, "city"), max_length=80, required=False)
    relation = forms.CharField(
        label=_("Relation to the borrower"),
        max_length=80,
        help_text=_("e.g. brother, neighbour"),
    )
    amount = MoneyField(label=_("Guaranteed amount (EUR)"))

    NEW_GUARANTOR_FIELDS = (
        "first_name",
        "last_name",
        "date_of_birth",
        "phone",
        "email",
        "street",
        "postal_code",
        "city",
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        # Its own ids: the application's page holds other forms with fields of the same names.
        kwargs.setdefault("auto_id", "guarantee-%s")
        super().__init__(*args, **kwargs)
        self.fields["guarantor"].queryset = selectors.guarantors_of_quarter(
            quarter=application.quarter
        )
        if not self.fields["guarantor"].queryset.exists():
            del self.fields["guarantor"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        typed_new = any(data.get(f) not in (None, "") for f in self.NEW_GUARANTOR_FIELDS)
        if data.get("guarantor") is not None:
            if typed_new:
                raise forms.ValidationError(
                    _(
                        "Please either choose a known guarantor or enter a new one, not both: "
                        "empty the list or the fields of the new guarantor."
                    ),
                    code="both",
                )
        elif "guarantor" not in self.errors:
            for name in ("first_name", "last_name"):
                if not (data.get(name) or "").strip() and name not in self.errors:
                    self.add_error(
                        name,
                        forms.ValidationError(
                            _("Please enter the name of the new guarantor."), code="required"
                        ),
                    )
            known = self._known_guarantor(data)
            if known is not None:
                self.add_error(
                    "guarantor" if "guarantor" in self.fields else None,
                    forms.ValidationError(
                        _(
                            "%(name)s is already known in this quarter: please choose the "
                            "person from the list, so that all their guarantees are counted "
                            "together. If it is another person of the same name, enter the "
                            "date of birth."
                        )
                        % {"name": known.full_name},
                        code="known",
                    ),
                )
        return data

    def _known_guarantor(self, data: dict[str, Any]) -> Guarantor | None:
        """The guarantor of the quarter a "new" one probably is: the same names (whatever the
        case) and, if a date of birth was typed, the same date of birth."""
        first = (data.get("first_name") or "").strip().casefold()
        last = (data.get("last_name") or "").strip().casefold()
        if not (first and last) or "guarantor" not in self.fields:
            return None
        born = data.get("date_of_birth")
        for guarantor in self.fields["guarantor"].queryset:
            same_name = (guarantor.first_name.casefold(), guarantor.last_name.casefold()) == (
                first,
                last,
            )
            if same_name and (born is None or guarantor.date_of_birth == born):
                return guarantor
        return None

    def service_kwargs(self) -> dict[str, Any]:
        """The arguments of `services.guarantee_add`, from the cleaned data."""
        data = self.cleaned_data
        guarantor = data.get("guarantor")
        kwargs: dict[str, Any] = {
            "relation": data["relation"],
            "amount": data["amount"],
            "guarantor": guarantor,
        }
        if guarantor is None:
            kwargs["guarantor_data"] = {f: data[f] for f in self.NEW_GUARANTOR_FIELDS}
        return kwargs


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
