"""The forms of the monthly checks' pages: a quality measure, the check's settings. The
services check everything again."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from miqua.forms import DateField

from .check_models import MEASURE_MAX

# No check reaches further back than the network itself.
EARLIEST_START = datetime.date(2000, 1, 1)


class QualityMeasureForm(forms.Form):
    text = forms.CharField(
        label=_("Measure"),
        max_length=MEASURE_MAX,
        help_text=_("What is done about the month above the standard, by whom, until when."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MEASURE_MAX}),
    )


class CheckSettingsForm(forms.Form):
    standard_percent = forms.DecimalField(
        label=_("Standard (%)"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=_(
            "At most this share of the active loans may be disrupted on a 15th; above it the "
            "month requires quality measures. A change applies to the months still to check."
        ),
        widget=forms.TextInput(attrs={"class": "number", "inputmode": "decimal"}),
    )
    start_month = DateField(
        label=_("First month to check"),
        required=False,
        earliest=EARLIEST_START,
        help_text=_(
            "Any day of the month. Used while no month is checked yet; empty: from the month "
            "of the first payout."
        ),
    )
