"""What the API shows of each object: the figures of the pages. Loans show no personal data
beyond a borrower's name (no IBAN, no address); the person's details are on the endpoints only
advisors and the back office may read (applications, guarantors), as on the pages."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committees.models import Ballot, BallotCase, Committee, Vote
from credits.models import (
    Application,
    BankEntry,
    BankStatement,
    Borrower,
    Instalment,
    Loan,
    Payment,
)
from credits.services import APPLICATION_FIELDS, BORROWER_FIELDS
from guarantors.models import Guarantee, Guarantor
from monitoring.contact_models import Contact
from monitoring.models import MonthlyCheck
from monitoring.selectors import rate_percent
from quarters.models import FundContribution, LiabilityFund, Municipality, Quarter

# What a person records of a contact (the input of POST contacts/).
CONTACT_FIELDS = [
    "borrower",
    "loan",
    "contacted_on",
    "channel",
    "note",
    "next_step",
    "next_step_on",
]
# The fields an advisor enters, in the order of the entry's steps.
EDITABLE_FIELDS_ORDERED = [field for fields in APPLICATION_FIELDS.values() for field in fields]


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


# --- Funds and contributions -----------------------------------------------------------------


class FundFigureField(serializers.DecimalField):
    """One of a fund's figures (quarters.selectors.FundFigures), read once for the page
    (`figures` in the context), rounded like every amount of the API."""

    def __init__(self, decimal_places: int = 2) -> None:
        super().__init__(max_digits=14, decimal_places=decimal_places, read_only=True)

    def get_attribute(self, fund: LiabilityFund) -> Any:
        return getattr(self.context["figures"][fund.pk], self.source)


class LiabilityFundSerializer(serializers.ModelSerializer):
    """A quarter's liability fund with the figures of the quarter page."""

    paid_in_capital = FundFigureField()
    lending_capacity = FundFigureField()
    outstanding_exposure = FundFigureField()
    available_capacity = FundFigureField()
    utilisation_percent = FundFigureField(decimal_places=1)

    class Meta:
        model = LiabilityFund
        fields = [
            "id",
            "quarter",
            "name",
            "leverage_factor",
            "paid_in_capital",
            "lending_capacity",
            "outstanding_exposure",
            "available_capacity",
            "utilisation_percent",
        ]


class FundContributionSerializer(serializers.ModelSerializer):
    """Capital a partner (an organisation, never a person) paid into a fund; who typed it in
    is not shown."""

    quarter = serializers.IntegerField(source="fund.quarter_id", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = FundContribution
        fields = ["id", "fund", "quarter", "partner", "partner_name", "paid_on", "amount", "note"]


# --- Applications, borrowers, guarantors --------------------------------------------------------


class BorrowerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Borrower
        fields = ["id", "quarter", *BORROWER_FIELDS]


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as its page shows it to the advisor and the back office (never to a
    municipality viewer: `credits.view_application`)."""

    reference = serializers.CharField(read_only=True)
    borrower = BorrowerSerializer(read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "quarter",
            "status",
            "advisor",
            "borrower",
            *EDITABLE_FIELDS_ORDERED,
            "outcome",
            "created_at",
            "updated_at",
            "submitted_at",
            "decided_at",
        ]


class GuarantorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Guarantor
        fields = [
            "id",
            "quarter",
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "street",
            "postal_code",
            "city",
        ]


class GuaranteeSerializer(serializers.ModelSerializer):
    guarantor_name = serializers.SerializerMethodField()

    class Meta:
        model = Guarantee
        fields = [
            "id",
            "application",
            "quarter",
            "guarantor",
            "guarantor_name",
            "relation",
            "amount",
            "created_at",
        ]

    def get_guarantor_name(self, guarantee: Guarantee) -> str:
        return f"{guarantee.guarantor.first_name} {guarantee.guarantor.last_name}"


# --- Committees, ballots, votes ------------------------------------------------------------


class CommitteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Committee
        fields = ["id", "name", "quarter", "municipality", "quorum_percent", "tie_approves"]


class BallotCaseSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="application.reference", read_only=True)

    class Meta:
        model = BallotCase
        fields = ["id", "application", "reference", "result", "is_open", "conditions"]


class BallotSerializer(serializers.ModelSerializer):
    cases = BallotCaseSerializer(many=True, read_only=True)

    class Meta:
        model = Ballot
        fields = [
            "id",
            "committee",
            "kind",
            "title",
            "meeting_on",
            "location",
            "deadline",
            "status",
            "opened_at",
            "closed_at",
            "cases",
        ]


class VoteSerializer(serializers.ModelSerializer):
    """A vote: the member's own at any time, everyone's once the ballot is closed (the
    viewset's queryset decides which)."""

    ballot = serializers.IntegerField(source="case.ballot_id", read_only=True)
    member_name = serializers.SerializerMethodField()

    class Meta:
        model = Vote
        fields = [
            "id",
            "ballot",
            "case",
            "member",
            "member_name",
            "choice",
            "conditions",
            "comment",
            "cast_at",
            "changed_at",
        ]

    def get_member_name(self, vote: Vote) -> str:
        return str(vote.member)


# --- The loan's schedule, payments, bank statements ---------------------------------------------


class InstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instalment
        fields = [
            "id",
            "loan",
            "number",
            "due_on",
            "interest",
            "principal",
            "balance",
            "paid_interest",
            "paid_principal",
            "settled_on",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "loan", "amount", "value_date", "source", "note", "recorded_at"]


class BankStatementSerializer(serializers.ModelSerializer):
    booked = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)
    debits = serializers.IntegerField(read_only=True)

    class Meta:
        model = BankStatement
        fields = [
            "id",
            "file_name",
            "file_format",
            "account_iban",
            "statement_id",
            "period_from",
            "period_to",
            "entry_count",
            "new_count",
            "booked",
            "waiting",
            "debits",
            "imported_at",
        ]


class BankEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = BankEntry
        fields = [
            "id",
            "statement",
            "booking_date",
            "value_date",
            "amount",
            "is_credit",
            "counterparty_name",
            "counterparty_iban",
            "remittance",
            "bank_reference",
            "status",
            "loan",
            "matched_by",
            "reviewed_at",
            "review_note",
        ]


# --- Contacts ----------------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "quarter", *CONTACT_FIELDS, "by", "recorded_at"]


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
