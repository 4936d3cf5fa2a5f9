"""What the API shows of each object: the figures of the pages, no personal data beyond a
borrower's name (no IBAN, no address)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from credits.models import Loan
from monitoring.models import MonthlyCheck
from monitoring.selectors import rate_percent
from quarters.models import Municipality, Quarter


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "name", "slug"]


class FundSerializer(serializers.Serializer):
    """A quarter's liability fund with its figures (quarters.selectors.FundFigures)."""

    name = serializers.CharField()
    leverage_factor = serializers.DecimalField(max_digits=6, decimal_places=2)
    paid_in_capital = serializers.DecimalField(max_digits=14, decimal_places=2)
    lending_capacity = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding_exposure = serializers.DecimalField(max_digits=14, decimal_places=2)
    available_capacity = serializers.DecimalField(max_digits=14, decimal_places=2)
    utilisation_percent = serializers.DecimalField(max_digits=7, decimal_places=1)


class QuarterSerializer(serializers.ModelSerializer):
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    fund = serializers.SerializerMethodField()

    class Meta:
        model = Quarter
        fields = ["id", "name", "slug", "municipality", "municipality_name", "fund"]

    @extend_schema_field(FundSerializer(allow_null=True))
    def get_fund(self, quarter: Quarter) -> dict[str, Any] | None:
        overview = self.context["overviews"].get(quarter.pk)
        if overview is None or overview.fund is None:
            return None
        figures = overview.figures
        return FundSerializer(
            {
                "name": overview.fund.name,
                "leverage_factor": figures.leverage_factor,
                "paid_in_capital": figures.paid_in_capital,
                "lending_capacity": figures.lending_capacity,
                "outstanding_exposure": figures.outstanding_exposure,
                "available_capacity": figures.available_capacity,
                "utilisation_percent": figures.utilisation_percent,
            }
        ).data


class ArrearsSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    oldest_due_on = serializers.DateField()
    days_past_due = serializers.IntegerField()


class LoanSerializer(serializers.ModelSerializer):
    borrower_name = serializers.SerializerMethodField()
    arrears = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = [
            "id",
            "contract_number",
            "quarter",
            "status",
            "amount",
            "disbursed_on",
            "closed_on",
            "borrower_name",
            "arrears",
        ]

    def get_borrower_name(self, loan: Loan) -> str:
        return f"{loan.borrower.first_name} {loan.borrower.last_name}"

    @extend_schema_field(ArrearsSerializer(allow_null=True))
    def get_arrears(self, loan: Loan) -> dict[str, Any] | None:
        """Today's arrears (credits.loan_selectors.arrears_at), None when nothing is overdue."""
        arrears = self.context["arrears"].get(loan.pk)
        return None if arrears is None else ArrearsSerializer(arrears).data


class RateSerializer(serializers.Serializer):
    """One quarter's rate of disrupted loans in a check (monitoring.selectors.Rate)."""

    label = serializers.CharField()
    active = serializers.IntegerField()
    disrupted = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=2)
    above = serializers.BooleanField()


class MonthlyCheckSerializer(serializers.ModelSerializer):
    rate = serializers.SerializerMethodField()
    standard = serializers.DecimalField(
        source="standard_percent", max_digits=5, decimal_places=2, read_only=True
    )

    class Meta:
        model = MonthlyCheck
        fields = ["id", "as_of", "active", "disrupted", "rate", "standard", "requires_qa"]

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=2))
    def get_rate(self, check: MonthlyCheck) -> str:
        """The network's rate of disrupted loans in percent."""
        return str(rate_percent(check.disrupted, check.active))


class MonthlyCheckDetailSerializer(MonthlyCheckSerializer):
    rates = serializers.SerializerMethodField()

    class Meta(MonthlyCheckSerializer.Meta):
        fields = [*MonthlyCheckSerializer.Meta.fields, "rates"]

    @extend_schema_field(RateSerializer(many=True))
    def get_rates(self, check: MonthlyCheck) -> list[dict[str, Any]]:
        """The rates of the quarters the user sees (the scope), loans outside the quarters last."""
        return RateSerializer(self.context["rates"], many=True).data


# --- The municipality dashboard (monitoring/municipality_selectors.py) -------------------------

FIGURE_DESCRIPTION = (
    "A figure held to the small-number rule: a count as an integer, money and percentages as "
    'decimal strings ("20000.00", "12.5"); the string "< 3" where it is drawn from 1 or 2 '
    "people (never the number); null where it is hidden so that a small figure cannot be "
    'worked out from the total (shown as "x" on the page).'
)


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string"}],
        "nullable": True,
        "description": FIGURE_DESCRIPTION,
    }
)
class FigureField(serializers.Field):
    """A `monitoring.suppression.Figure` (or the `index`-th of a list of them) as the API
    shows it: `Figure.api_value`."""

    def __init__(self, *, index: int | None = None, **kwargs: Any) -> None:
        self.index = index
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        figure = value if self.index is None else value[self.index]
        return figure.api_value


FIGURE_SCHEMA = {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True}


@extend_schema_field({"type": "array", "items": FIGURE_SCHEMA, "description": FIGURE_DESCRIPTION})
class FigureListField(serializers.Field):
    """A list of figures, each as `FigureField` shows it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> list[Any]:
        return [figure.api_value for figure in value]


class FigureRowSerializer(serializers.Serializer):
    """One figure for each quarter (in the order of `quarters`), the total last."""

    key = serializers.CharField()
    label = serializers.CharField()
    values = FigureListField(source="figures")


class TotalRowSerializer(serializers.Serializer):
    """One figure of the municipality as a whole (a status, an outcome, a trade)."""

    key = serializers.CharField()
    label = serializers.CharField()
    value = FigureField(source="total")


class MunicipalityYearSerializer(serializers.Serializer):
    """A year's applications, loans paid out and their volume; the last row ("Total") the sum."""

    year = serializers.CharField(source="label")
    applications = FigureField(source="figures", index=0)
    loans = FigureField(source="figures", index=1)
    volume = FigureField(source="figures", index=2)


class MunicipalityRateMonthSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    rate = FigureField()
    standard = serializers.DecimalField(max_digits=5, decimal_places=2)


class QuarterNameSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class MunicipalityDashboardSerializer(serializers.Serializer):
    """The municipality dashboard's figures, aggregates only. Every figure is held to the
    small-number rule (see `FigureField`): the same figures as the page and the PDF report."""

    municipality = MunicipalitySerializer()
    period_start = serializers.DateField(source="period.start", allow_null=True)
    period_end = serializers.DateField(source="period.end", allow_null=True)
    quarters = QuarterNameSerializer(many=True)
    by_quarter = FigureRowSerializer(many=True)
    fund = FigureRowSerializer(many=True)
    statuses = TotalRowSerializer(many=True)
    outcomes = TotalRowSerializer(many=True)
    stages = TotalRowSerializer(many=True)
    trades = TotalRowSerializer(many=True)
    years = MunicipalityYearSerializer(many=True)
    rate_history = MunicipalityRateMonthSerializer(many=True)
    latest_as_of = serializers.DateField(allow_null=True)
