from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from miqua.forms import DateField, MoneyField, amount_hint

from .models import EARLIEST_CONTRIBUTION, Organisation, Quarter


class ContributionForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Organisation.objects.none(),
        empty_label=_("– choose the partner –"),
        help_text=_("Partners of this municipality and organisations that work network-wide."),
    )
    paid_on = DateField(
        label=_("Paid in on"),
        earliest=EARLIEST_CONTRIBUTION,
        latest=timezone.localdate,
        error_messages={
            "too_early": _(
                "Please check the year: MIQUA records contributions paid in from %(earliest)s on."
            ),
            "too_late": _(
                "A contribution counts once it is paid in: the date cannot be in the future."
            ),
        },
    )
    amount = MoneyField(
        label=_("Amount (EUR)"), help_text=amount_hint(gettext_noop("For example %(example)s"))
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, quarter: Quarter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only partners that may pay into this fund are offered (and accepted).
        self.fields["partner"].queryset = Organisation.partners_of(quarter)
