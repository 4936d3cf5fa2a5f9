"""The read-only endpoints. Each reads through the selectors of its app, inside the user's
quarter scope (`ScopedViewSetMixin`), and asks the permission the matching page asks."""

from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from credits.loan_page_selectors import loans_for_list
from credits.loan_selectors import arrears_at
from credits.models import Loan
from miqua.accounts.scoping import visible_quarter_set
from monitoring.models import MonthlyCheck
from monitoring.municipality_forms import ReportPeriodForm
from monitoring.municipality_selectors import municipality_dashboard
from monitoring.municipality_views import PERM, municipality_for
from monitoring.selectors import rates_by_quarter
from quarters.models import Municipality, Quarter
from quarters.selectors import quarter_overviews, visible_quarters

from . import filters, serializers
from .scoping import ScopedViewSetMixin


class MunicipalityViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The municipalities with a quarter the user may see; every one for whoever sees every
    quarter (a new municipality has none yet)."""

    serializer_class = serializers.MunicipalitySerializer
    view_perm = "quarters.view_quarter_page"

    def scoped_queryset(self) -> QuerySet[Municipality]:
        municipalities = Municipality.objects.order_by("name")
        if visible_quarter_set(self.request.user) is None:
            return municipalities
        return municipalities.filter(pk__in=Quarter.objects.values("municipality_id"))

    def perm_object(self, obj: Model) -> Model | None:
        return None  # lies in no quarter: the queryset holds it to the visible quarters


class QuarterViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The quarters the user may see, each with its liability fund's figures."""

    serializer_class = serializers.QuarterSerializer
    view_perm = "quarters.view_quarter_page"

    def scoped_queryset(self) -> QuerySet[Quarter]:
        return visible_quarters()

    def page_context(self, objects: list[Any]) -> dict[str, Any]:
        overviews = quarter_overviews(quarters=objects)  # type: ignore[arg-type]
        return {"overviews": {overview.quarter.pk: overview for overview in overviews}}


class LoanViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The loans of the user's quarters, newest payout first, with today's arrears."""

    serializer_class = serializers.LoanSerializer
    filterset_class = filters.LoanFilter
    view_perm = "credits.view_loan"

    def scoped_queryset(self) -> QuerySet[Loan]:
        return loans_for_list()

    def page_context(self, objects: list[Any]) -> dict[str, Any]:
        loans = Loan.objects.filter(pk__in=[loan.pk for loan in objects])
        return {"arrears": arrears_at(day=timezone.localdate(), loans=loans)}


class MonthlyCheckViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The finished monthly checks, newest first; one check with the rates of the user's
    quarters."""

    filterset_class = filters.MonthlyCheckFilter
    view_perm = "monitoring.view_checks"

    def scoped_queryset(self) -> QuerySet[MonthlyCheck]:
        return MonthlyCheck.objects.filter(status=MonthlyCheck.Status.DONE).order_by("-as_of")

    def get_serializer_class(self) -> type[serializers.MonthlyCheckSerializer]:
        if self.action == "retrieve":
            return serializers.MonthlyCheckDetailSerializer
        return serializers.MonthlyCheckSerializer

    def perm_object(self, obj: Model) -> Model | None:
        return None  # the network's check: its rates are read in the user's scope

    def page_context(self, objects: list[Any]) -> dict[str, Any]:
        if self.action != "retrieve":
            return {}
        return {"rates": rates_by_quarter(check=objects[0])}


PERIOD_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="The figures of one year."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="The first day of a period."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="The last day of a period."),
]


class MunicipalityDashboardViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """The municipality dashboard's figures (the page's and the PDF report's, held to the same
    small-number rule): for the municipality's viewers and the back office. Optional period:
    `?year=2012`, or `?start=2012-01-01&end=2012-06-30`."""

    serializer_class = serializers.MunicipalityDashboardSerializer
    view_perm = PERM
    lookup_value_regex = "[0-9]+"

    def scoped_queryset(self) -> QuerySet[Municipality]:
        return Municipality.objects.order_by("name")

    @extend_schema(parameters=PERIOD_PARAMETERS)
    def retrieve(self, request: Request, pk: str) -> Response:
        # 404 unless the user sees every quarter of it, 403 unless their role may read it:
        # the page's own check.
        municipality, quarters = municipality_for(request, int(pk))  # type: ignore[arg-type]
        period = None
        if any(name in request.query_params for name in ("year", "start", "end")):
            form = ReportPeriodForm(request.query_params)
            if not form.is_valid():
                raise ValidationError(form.errors)
            period = form.period()
        board = municipality_dashboard(municipality=municipality, quarters=quarters, period=period)
        return Response(self.get_serializer(board).data)
