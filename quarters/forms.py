from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from miqua.forms import DateInput, MoneyField, amount_hint

from .models import Organisation


class ContributionForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Organisation.objects.all(),
        empty_label=_("– choose the partner –"),
    )
    paid_on = forms.DateField(label=_("Paid in on"), widget=DateInput())
    amount = MoneyField(
        label=_("Amount (EUR)"), help_text=amount_hint(gettext_noop("For example %(example)s"))
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
