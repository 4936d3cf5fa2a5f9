"""The back office's forms for keeping a loan: they read what was typed; the rules are the
services' (`credits.servicing`), whose errors land at the fields."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miqua.forms import DateField, MoneyField

from .loan_services import MAX_TERM_MONTHS
from .models import ScheduleVersion
from .servicing import REASON_MAX

EARLIEST = datetime.date(2009, 1, 1)


def _in_a_year() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=366)


class ReschedulingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (ScheduleVersion.Kind.LONGER_TERM, ScheduleVersion.Kind.LONGER_TERM.label),
            (ScheduleVersion.Kind.PAUSE, ScheduleVersion.Kind.PAUSE.label),
        ],
        widget=forms.RadioSelect,
    )
    valid_from = DateField(
        label=_("From the instalment due on"),
        required=False,
        earliest=EARLIEST,
        latest=_in_a_year,
        help_text=_("Empty: the next instalment. Instalments due before it stay as they are."),
    )
    term_months = forms.IntegerField(
        label=_("New number of remaining instalments"),
        required=False,
        min_value=1,
        max_value=MAX_TERM_MONTHS,
        help_text=_("For a longer term: more than remain now, so each instalment is lower."),
    )
    pause_months = forms.IntegerField(
        label=_("Months paused"),
        required=False,
        min_value=1,
        max_value=12,
        help_text=_("For a pause: these months only the interest is due; the term grows by them."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the borrower needs it, and what was agreed with them."),
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "valid_from": data.get("valid_from"),
            "term_months": data.get("term_months"),
            "pause_months": data.get("pause_months"),
            "reason": data["reason"],
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])


class EarlyRepaymentForm(forms.Form):
    value_date = DateField(
        label=_("Repaid on"), earliest=EARLIEST, latest=lambda: timezone.localdate()
    )
    amount = MoneyField(
        label=_("Amount received (EUR)"),
        required=False,
        help_text=_(
            "Empty if the money is already booked (from the bank statement); the loan is then "
            "settled with the credit it has."
        ),
    )


class DefaultForm(forms.Form):
    day = DateField(label=_("Defaulted on"), earliest=EARLIEST, latest=lambda: timezone.localdate())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, and what was tried before (contacts, rescheduling)."),
    )


class RecoveryForm(forms.Form):
    amount = MoneyField(label=_("Amount received (EUR)"))
    value_date = DateField(
        label=_("Paid on"), earliest=EARLIEST, latest=lambda: timezone.localdate()
    )
