"""The forms of the loan pages: the payout (from an approved application, or outside the
quarters with the borrower's details), its confirmation or refusal, and a payment typed in.

Plain forms: the services (`credits.loan_services`) check and write; a form reads what was
typed and keeps it, so a refused form comes back as it was sent.
"""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miqua.forms import DateField, MoneyField

from .forms import BorrowerForm
from .loan_services import EARLIEST_PAYOUT, MAX_TERM_MONTHS, PAYOUT_DAYS_AHEAD, LoanTerms
from .models import Loan

NUMBER = {"class": "number"}


def _latest_payout() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=PAYOUT_DAYS_AHEAD)


class LoanTermsForm(forms.Form):
    """What the bank's contract says. The service checks it again (`terms_errors`)."""

    contract_number = forms.CharField(
        label=_("Contract number"),
        max_length=35,
        help_text=_("The bank's number of the loan contract, as on the contract."),
    )
    iban = forms.CharField(
        label=_("Borrower's IBAN"),
        max_length=42,  # with the spaces people type
        help_text=_("The account the loan is paid to, e.g. DE89 3704 0044 0532 0130 00."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    disbursed_on = DateField(
        label=_("Paid out on"), earliest=EARLIEST_PAYOUT, latest=_latest_payout
    )
    amount = MoneyField(label=_("Amount paid out"))
    interest_rate = forms.DecimalField(
        label=_("Nominal interest rate p.a. (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("30"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"class": "number", "inputmode": "decimal"}),
    )
    term_months = forms.IntegerField(
        label=_("Term (months)"),
        min_value=1,
        max_value=MAX_TERM_MONTHS,
        widget=forms.NumberInput(NUMBER),
    )
    grace_months = forms.IntegerField(
        label=_("Grace months"),
        min_value=0,
        max_value=119,
        widget=forms.NumberInput(NUMBER),
        help_text=_("Months at the start in which only interest is paid."),
    )
    instalment_day = forms.IntegerField(
        label=_("Instalment day"),
        min_value=1,
        max_value=31,
        widget=forms.NumberInput(NUMBER),
        help_text=_("Day of the month the instalment is due; in shorter months the last day."),
    )
    method = forms.ChoiceField(
        label=_("Repayment"),
        choices=Loan.RepaymentMethod.choices,
        initial=Loan.RepaymentMethod.ANNUITY,
        widget=forms.RadioSelect,
    )

    # The order in which the fields show, so a subclass can put its own first.
    TERMS_FIELDS = (
        "contract_number",
        "iban",
        "disbursed_on",
        "amount",
        "interest_rate",
        "term_months",
        "grace_months",
        "instalment_day",
        "method",
    )

    def terms(self) -> LoanTerms:
        data = self.cleaned_data
        return LoanTerms(
            contract_number=data["contract_number"].strip(),
            iban=data["iban"],
            disbursed_on=data["disbursed_on"],
            amount=data["amount"],
            interest_rate=data["interest_rate"],
            term_months=data["term_months"],
            grace_months=data["grace_months"],
            instalment_day=data["instalment_day"],
            method=data["method"],
        )


class OutsideLoanForm(BorrowerForm, LoanTermsForm):
    """A loan outside the quarters: the person (as on an application's first step) and the
    contract's terms, in one form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = [name for name in BorrowerForm.base_fields if name not in self.TERMS_FIELDS]
        self.order_fields([*person, *self.TERMS_FIELDS])

    @property
    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in BorrowerForm.base_fields]

    @property
    def terms_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.TERMS_FIELDS]

    def borrower_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in BorrowerForm.base_fields}


class LoanConfirmForm(forms.Form):
    """The second person's answer to a recorded payout."""

    CONFIRM = "confirm"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        choices=[(CONFIRM, _("Confirm")), (REFUSE, _("Refuse"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("What is wrong with the recording?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The recording is deleted; the reason stays in the history."),
    )


class PaymentForm(forms.Form):
    """A payment staff type in: cash at the office, a transfer the import could not see."""

    amount = MoneyField(label=_("Amount"))
    value_date = DateField(
        label=_("Value date"),
        earliest=EARLIEST_PAYOUT,
        latest=timezone.localdate,
        help_text=_("The day the money was paid."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
