"""The form of a guarantee on the application's page.

A plain form, not a ModelForm: the service writes, the form only reads what was typed. Labels
come from the model's verbose names so that a field is called the same everywhere.
"""

import datetime
from typing import Any

from django import forms
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from credits.models import Application
from miqua.forms import BirthDateField, DateField, MoneyField

from . import selectors
from .models import Guarantor
from .services import known_guarantor_error


def _label(model: type[models.Model], name: str) -> Promise | str:
    return capfirst(model._meta.get_field(name).verbose_name)


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
    date_of_birth = BirthDateField(label=_label(Guarantor, "date_of_birth"), required=False)
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
        self.application = application
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
            # The service refuses a known guarantor typed in as new; checked here as well, so
            # that the message stands with the form's other errors at once.
            known = selectors.known_guarantor(
                quarter=self.application.quarter,
                first_name=data.get("first_name") or "",
                last_name=data.get("last_name") or "",
                date_of_birth=data.get("date_of_birth"),
            )
            if known is not None:
                self.add_error(
                    "guarantor" if "guarantor" in self.fields else None,
                    known_guarantor_error(known),
                )
        return data

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


class ClaimUpdateForm(forms.Form):
    """What happened to a guarantor's claim: a payment, or the office gives the rest up."""

    action = forms.ChoiceField(
        label=_("What happened"),
        choices=[("pay", _("The guarantor paid")), ("waive", _("Waive what is still open"))],
        widget=forms.RadioSelect,
        initial="pay",
    )
    amount = MoneyField(label=_("Amount paid (EUR)"), required=False)
    day = DateField(
        label=_("Paid on"),
        required=False,
        earliest=datetime.date(2009, 1, 1),
        latest=lambda: timezone.localdate(),
    )
    note = forms.CharField(
        label=_("Why the claim is waived"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "pay":
            if data.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", _("Please enter the amount the guarantor paid."))
            if data.get("day") is None and "day" not in self.errors:
                self.add_error("day", _("Please enter the day the guarantor paid."))
        elif data.get("action") == "waive" and not (data.get("note") or "").strip():
            self.add_error("note", _("Please say why the claim is waived."))
        return data
