"""The filters of the list endpoints (django-filter): loans by quarter and status, monthly
checks by the range of their dates."""

import django_filters

from credits.models import Loan
from monitoring.models import MonthlyCheck


class LoanFilter(django_filters.FilterSet):
    # The quarter's id, not a choice of quarters: the choices would be read when the class is
    # built, outside any scope. A foreign quarter's id simply finds nothing (the scope).
    quarter = django_filters.NumberFilter(field_name="quarter_id")
    status = django_filters.ChoiceFilter(choices=Loan.Status.choices)

    class Meta:
        model = Loan
        fields = ["quarter", "status"]


class MonthlyCheckFilter(django_filters.FilterSet):
    as_of_after = django_filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = django_filters.DateFilter(field_name="as_of", lookup_expr="lte")

    class Meta:
        model = MonthlyCheck
        fields = ["as_of_after", "as_of_before"]
