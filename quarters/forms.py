from django import forms
from django.utils.translation import gettext_lazy as _

from miqua.forms import DateInput, MoneyField

from .models import Organisation


class ContributionForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Organisation.objects.all(),
        empty_label=_("– choose the partner –"),
    )
    paid_on = forms.DateField(label=_("Paid in on"), widget=DateInput())
    amount = MoneyField(label=_("Amount (EUR)"), help_text=_("For example 5.000,00"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
