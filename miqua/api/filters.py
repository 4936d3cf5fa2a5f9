"""The filters of the list endpoints (django-filter). Where a list page has a filter, the
endpoint uses it (the applications: `credits.filters.ApplicationFilter`) or its names; the
others filter by the object they belong to and by ranges of dates. An id is a number, not a
choice: the choices would be read when the class is built, outside any scope, and a foreign
quarter's id simply finds nothing (the scope)."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from committees.models import Ballot, Vote
from credits.loan_filters import search as loan_search
from credits.loan_selectors import loans_in_arrears
from credits.models import BankEntry, Instalment, Loan, Payment
from guarantors.models import Guarantee, Guarantor
from monitoring.contact_models import Contact
from monitoring.models import MonthlyCheck
from quarters.models import FundContribution, LiabilityFund

# The largest id a database key holds (PostgreSQL's integer); a larger number finds nothing
# and must not reach the database (SQLite cannot even bind it: a server error, found by
# schemathesis with ?quarter=-9.9e145).
MAX_ID = 2**31 - 1


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number from 1 to MAX_ID, else 400."""

    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class LoanFilter(django_filters.FilterSet):
    """The loan list page's filters by their names: the quarter, the status, the search (a
    contract number, an MQ-number or the borrower's names, `credits.loan_filters.search`) and
    `arrears=true`, the loans in arrears today."""

    q = django_filters.CharFilter(method="filter_search", max_length=100)
    quarter = IdFilter(field_name="quarter_id")
    status = django_filters.ChoiceFilter(choices=Loan.Status.choices)
    arrears = django_filters.BooleanFilter(method="filter_arrears")

    class Meta:
        model = Loan
        fields = ["q", "quarter", "status", "arrears"]

    def filter_search(self, queryset: QuerySet[Loan], name: str, value: str) -> QuerySet[Loan]:
        return loan_search(queryset, value)

    def filter_arrears(
        self, queryset: QuerySet[Loan], name: str, value: bool | None
    ) -> QuerySet[Loan]:
        if value is None:
            return queryset
        late = loans_in_arrears(day=timezone.localdate(), loans=queryset)
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class MonthlyCheckFilter(django_filters.FilterSet):
    as_of_after = django_filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = django_filters.DateFilter(field_name="as_of", lookup_expr="lte")

    class Meta:
        model = MonthlyCheck
        fields = ["as_of_after", "as_of_before"]


class FundFilter(django_filters.FilterSet):
    quarter = IdFilter(field_name="quarter_id")

    class Meta:
        model = LiabilityFund
        fields = ["quarter"]


class ContributionFilter(django_filters.FilterSet):
    fund = IdFilter(field_name="fund_id")
    quarter = IdFilter(field_name="fund__quarter_id")
    paid_on_after = django_filters.DateFilter(field_name="paid_on", lookup_expr="gte")
    paid_on_before = django_filters.DateFilter(field_name="paid_on", lookup_expr="lte")

    class Meta:
        model = FundContribution
        fields = ["fund", "quarter", "paid_on_after", "paid_on_before"]


class GuarantorFilter(django_filters.FilterSet):
    quarter = IdFilter(field_name="quarter_id")

    class Meta:
        model = Guarantor
        fields = ["quarter"]


class GuaranteeFilter(django_filters.FilterSet):
    application = IdFilter(field_name="application_id")
    guarantor = IdFilter(field_name="guarantor_id")

    class Meta:
        model = Guarantee
        fields = ["application", "guarantor"]


class BallotFilter(django_filters.FilterSet):
    committee = IdFilter(field_name="committee_id")
    status = django_filters.ChoiceFilter(choices=Ballot.Status.choices)

    class Meta:
        model = Ballot
        fields = ["committee", "status"]


class VoteFilter(django_filters.FilterSet):
    ballot = IdFilter(field_name="case__ballot_id")
    case = IdFilter(field_name="case_id")

    class Meta:
        model = Vote
        fields = ["ballot", "case"]


class InstalmentFilter(django_filters.FilterSet):
    loan = IdFilter(field_name="loan_id")
    due_on_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_on_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Instalment
        fields = ["loan", "due_on_after", "due_on_before"]


class PaymentFilter(django_filters.FilterSet):
    loan = IdFilter(field_name="loan_id")
    source = django_filters.ChoiceFilter(choices=Payment.Source.choices)
    value_date_after = django_filters.DateFilter(field_name="value_date", lookup_expr="gte")
    value_date_before = django_filters.DateFilter(field_name="value_date", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["loan", "source", "value_date_after", "value_date_before"]


class BankEntryFilter(django_filters.FilterSet):
    statement = IdFilter(field_name="statement_id")
    status = django_filters.ChoiceFilter(choices=BankEntry.Status.choices)

    class Meta:
        model = BankEntry
        fields = ["statement", "status"]


class ContactFilter(django_filters.FilterSet):
    borrower = IdFilter(field_name="borrower_id")
    loan = IdFilter(field_name="loan_id")
    channel = django_filters.ChoiceFilter(choices=Contact.Channel.choices)
    contacted_on_after = django_filters.DateFilter(field_name="contacted_on", lookup_expr="gte")
    contacted_on_before = django_filters.DateFilter(field_name="contacted_on", lookup_expr="lte")

    class Meta:
        model = Contact
        fields = ["borrower", "loan", "channel", "contacted_on_after", "contacted_on_before"]
