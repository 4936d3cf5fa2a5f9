"""The forms of the statement pages: the upload, and the two answers to an entry awaiting
review (book it to a loan, or say it is no repayment)."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from ..models import Loan
from .importer import normalise_contract
from .parsers import CSV_REQUIRED_HEADER


def _upload_help() -> str:
    return _(
        "The statement of the repayment account as the online banking exports it: CAMT.053 "
        "(XML, versions camt.053.001.02 and camt.053.001.08; a ZIP file must be unpacked "
        "first) or the CSV export (semicolon separated, with at least the columns %(columns)s). "
        "At most %(limit)s. Entries already imported are recognised and not booked again."
    ) % {"columns": CSV_REQUIRED_HEADER, "limit": filesizeformat(settings.MIQUA_UPLOAD_MAX_BYTES)}


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=lazy(_upload_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,.csv,.txt"}),
    )

    def clean_file(self) -> object:
        uploaded = self.cleaned_data["file"]
        limit = settings.MIQUA_UPLOAD_MAX_BYTES
        if getattr(uploaded, "truncated", False) or uploaded.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(limit)s. Please export a shorter period "
                    "(for example one month) and import the parts one after the other."
                )
                % {"limit": filesizeformat(limit)}
            )
        return uploaded


class EntryAssignForm(forms.Form):
    contract_number = forms.CharField(
        label=_("Contract number"),
        max_length=35,
        help_text=_("The loan the payment belongs to, as on the contract (e.g. KV-0004711)."),
        widget=forms.TextInput(attrs={"list": "loan-suggestions", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: paid by her brother."),
    )

    def clean_contract_number(self) -> Loan:
        typed = self.cleaned_data["contract_number"].strip()
        with scopes_disabled():  # staff see every loan, those outside the quarters too
            loan = Loan.objects.filter(contract_number__iexact=typed).first()
            if loan is None:
                wanted = normalise_contract(typed)
                loan = next(
                    (
                        candidate
                        for candidate in Loan.objects.filter(
                            contract_number__icontains=typed[-4:]
                        ).only("pk", "contract_number", "status", "quarter_id")[:50]
                        if normalise_contract(candidate.contract_number) == wanted
                    ),
                    None,
                )
        if loan is None:
            raise forms.ValidationError(
                _(
                    "No loan has the contract number %(typed)s. "
                    "Please check it against the contract."
                )
                % {"typed": typed}
            )
        return loan


class EntryNotRepaymentForm(forms.Form):
    note = forms.CharField(
        label=_("What is this payment?"),
        max_length=200,
        help_text=_("For example: donation to the association, refund of the bank."),
    )
