"""The dashboards' figures as JSON: /api/v1/dashboard/portfolio/ answers what the staff
portfolio page shows (monitoring.portfolio_selectors), to whoever may see that page. Money and
rates are Decimals, written as strings."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from monitoring import portfolio_selectors
from monitoring.quarter_param import picked_quarter

from .scoping import ScopedViewSetMixin


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _percent(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=7, decimal_places=2, **kwargs)


class DisbursedSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    volume = _money()


class YearSerializer(DisbursedSerializer):
    year = serializers.IntegerField()


class RatePointSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    active = serializers.IntegerField(help_text="0: no active loan that day, no rate.")
    percent = _percent()
    standard = _percent()


class RiskSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="More than this many days past due.")
    count = serializers.IntegerField()
    outstanding = _money()
    percent = _percent(help_text="Share of the whole outstanding principal.")


class DefaultsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    principal_at_default = _money()
    paid_by_guarantors = _money()
    recovered = _money(help_text="Paid by the borrowers after the default.")
    written_off = _money(help_text="Against the quarters' liability funds.")
    fund_recoveries = _money(help_text="Of the write-offs, back to the funds.")
    net_loss = _money()


class ClosedSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    disbursed = _money()
    repaid = _money(help_text="Principal repaid.")
    percent = _percent(help_text="Repayment rate: repaid of disbursed principal.")


class ShareSerializer(serializers.Serializer):
    inside_count = serializers.IntegerField()
    inside_outstanding = _money()
    outside_count = serializers.IntegerField()
    outside_outstanding = _money()
    outside_share_percent = _percent()


class OwnLiabilitySerializer(serializers.Serializer):
    outside_outstanding = _money()
    total_outstanding = _money()
    cap_percent = _percent()
    cap = _money()
    cap_used_percent = _percent()
    state = serializers.ChoiceField(
        choices=[
            portfolio_selectors.CapState.OK,
            portfolio_selectors.CapState.NEAR,
            portfolio_selectors.CapState.OVER,
        ]
    )


class QuarterRateSerializer(serializers.Serializer):
    active = serializers.IntegerField()
    disrupted = serializers.IntegerField()
    percent = _percent()
    above = serializers.BooleanField()


class QuarterRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="overview.quarter.pk")
    name = serializers.CharField(source="overview.quarter.name")
    municipality = serializers.CharField(source="overview.quarter.municipality.name")
    rate = QuarterRateSerializer(allow_null=True, help_text="On the latest 15th checked.")
    running = DisbursedSerializer(help_text="Running loans and their outstanding principal.")
    disbursed = DisbursedSerializer(help_text="Every loan paid out.")
    lending_capacity = _money(source="overview.figures.lending_capacity", allow_null=True)
    capacity_used = _money(source="overview.figures.outstanding_exposure", allow_null=True)
    capacity_available = _money(source="overview.figures.available_capacity", allow_null=True)


class PortfolioDashboardSerializer(serializers.Serializer):
    as_of = serializers.DateField(source="today")
    running_count = serializers.IntegerField()
    outstanding = _money()
    disbursed = DisbursedSerializer()
    by_year = YearSerializer(many=True)
    latest_check_on = serializers.DateField(source="latest_check.as_of", allow_null=True)
    latest_rate = QuarterRateSerializer(allow_null=True, help_text="The whole portfolio's.")
    rate_line = RatePointSerializer(many=True)
    portfolio_at_risk = RiskSerializer(many=True, source="risk")
    defaults = DefaultsSerializer()
    closed = ClosedSerializer()
    share = ShareSerializer()
    own_liability = OwnLiabilitySerializer()
    quarters = QuarterRowSerializer(many=True)
    outside_running = DisbursedSerializer()
    outside_disbursed = DisbursedSerializer()


class PortfolioDashboardView(ScopedViewSetMixin, generics.GenericAPIView):
    """The whole portfolio's figures, as on the staff portfolio page."""

    serializer_class = PortfolioDashboardSerializer
    view_perm = "monitoring.view_portfolio"
    filter_backends: list[type] = []
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "quarter", int, description="The quarter whose rate line is given (default: all)."
            )
        ]
    )
    def get(self, request: Request) -> Response:
        quarter = picked_quarter(request)  # type: ignore[arg-type]
        dashboard = portfolio_selectors.portfolio_dashboard(
            today=timezone.localdate(), quarter=quarter
        )
        return Response(self.get_serializer(dashboard).data)
