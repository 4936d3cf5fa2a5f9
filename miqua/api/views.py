"""The endpoints. Each reads through the selectors of its app, inside the user's quarter
scope (`ScopedViewSetMixin`), and asks the permission the matching page asks. The few that
write (applications, votes, payments, contacts) call the service the page calls: the service
checks the rules and writes the audit entry; its refusals answer 400 or 403
(`miqua.api.exceptions`)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from committees import selectors as committee_selectors
from committees import services as committee_services
from committees.models import Ballot, BallotCase, Committee, Vote
from credits import loan_services
from credits import selectors as credit_selectors
from credits import services as credit_services
from credits.banking import importer
from credits.banking.selectors import statements_with_counts
from credits.filters import ApplicationFilter
from credits.loan_page_selectors import loans_for_list
from credits.loan_selectors import arrears_at
from credits.models import (
    Application,
    BankEntry,
    BankStatement,
    Borrower,
    Instalment,
    Loan,
    Payment,
)
from guarantors.models import Guarantee, Guarantor
from miqua.accounts.scoping import visible_quarter_set
from monitoring import contact_services
from monitoring.contact_models import Contact
from monitoring.models import MonthlyCheck
from monitoring.municipality_forms import ReportPeriodForm
from monitoring.municipality_selectors import municipality_dashboard
from monitoring.municipality_views import PERM, municipality_for
from monitoring.selectors import rates_by_quarter
from quarters.models import FundContribution, LiabilityFund, Municipality, Quarter
from quarters.selectors import fund_figures_for, quarter_overviews, visible_quarters

from . import filters, inputs, serializers
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


# --- Funds and contributions -----------------------------------------------------------------


class FundViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The liability funds of the user's quarters with their figures (the quarter page's)."""

    serializer_class = serializers.LiabilityFundSerializer
    filterset_class = filters.FundFilter
    view_perm = "quarters.view_quarter_page"

    def scoped_queryset(self) -> QuerySet[LiabilityFund]:
        return LiabilityFund.objects.select_related("quarter__municipality").order_by(
            "quarter__municipality__name", "quarter__name"
        )

    def page_context(self, objects: list[Any]) -> dict[str, Any]:
        return {"figures": fund_figures_for(funds=objects)}


class ContributionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The capital the partners paid into the funds of the user's quarters, newest first."""

    serializer_class = serializers.FundContributionSerializer
    filterset_class = filters.ContributionFilter
    view_perm = "quarters.view_quarter_page"

    def scoped_queryset(self) -> QuerySet[FundContribution]:
        return FundContribution.objects.select_related("fund", "partner").order_by(
            "-paid_on", "-id"
        )


# --- Applications and guarantors ------------------------------------------------------------


class ApplicationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The applications of the user's quarters with the list page's filter (`q`, `quarter`,
    `status`: none is every open one, `all` every one). Advisors start and change drafts
    through the services of the guided entry."""

    serializer_class = serializers.ApplicationSerializer
    filterset_class = ApplicationFilter
    view_perm = "credits.view_application"

    def scoped_queryset(self) -> QuerySet[Application]:
        return credit_selectors.applications_list()

    @extend_schema(request=inputs.ApplicationCreateInput, responses={201: serializer_class})
    def create(self, request: Request) -> Response:
        if not request.user.has_perm("credits.add_application"):
            raise PermissionDenied  # as on the page: before any question about the input
        data = _valid(inputs.ApplicationCreateInput, request)
        if "quarter" in data:
            quarter = get_object_or_404(Quarter.objects.all(), pk=data.pop("quarter"))
        else:
            # As on the page: an advisor of one quarter need not name it (the scope holds it).
            quarters = list(Quarter.objects.order_by("name")[:2])
            if not quarters:
                raise PermissionDenied
            if len(quarters) > 1:
                raise ValidationError({"quarter": [_("Please choose the quarter.")]})
            quarter = quarters[0]
        with transaction.atomic():
            application = credit_services.application_create(
                quarter=quarter, borrower_data=data.pop("borrower"), actor=request.user
            )
            _application_change(application, data, request)
        return self.answer(application, status.HTTP_201_CREATED)

    @extend_schema(request=inputs.ApplicationChangeInput, responses=serializer_class)
    def partial_update(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        data = _valid(inputs.ApplicationChangeInput, request, partial=True)
        with transaction.atomic():
            _application_change(application, data, request)
        return self.answer(application, status.HTTP_200_OK)


def _application_change(application: Application, data: dict[str, Any], request: Request) -> None:
    """The person's step and the draft's steps, each through the service the page calls."""
    borrower = data.pop("borrower", None)
    if borrower:
        credit_services.borrower_update(application=application, data=borrower, actor=request.user)
    if data:
        credit_services.application_update(application=application, data=data, actor=request.user)


def _valid(serializer_class: type[Any], request: Request, **kwargs: Any) -> dict[str, Any]:
    """The request's data in the shape of the input serializer (400 otherwise)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class GuarantorViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The guarantors of the user's quarters (persons: for advisors and the back office)."""

    serializer_class = serializers.GuarantorSerializer
    filterset_class = filters.GuarantorFilter
    view_perm = "credits.view_application"

    def scoped_queryset(self) -> QuerySet[Guarantor]:
        return Guarantor.objects.order_by("last_name", "first_name", "id")


class GuaranteeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The guarantees given on the applications of the user's quarters."""

    serializer_class = serializers.GuaranteeSerializer
    filterset_class = filters.GuaranteeFilter
    view_perm = "credits.view_application"

    def scoped_queryset(self) -> QuerySet[Guarantee]:
        return Guarantee.objects.select_related("guarantor").order_by("application_id", "id")


# --- Committees, ballots and votes ---------------------------------------------------------------


class CommitteeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The award committees: the back office sees every one, a member the committees they sit
    on today."""

    serializer_class = serializers.CommitteeSerializer
    schema_model = Committee
    view_perm = "committees.view_ballots"

    def scoped_queryset(self) -> QuerySet[Committee]:
        committees = Committee.objects.order_by("name")
        if self.request.user.has_perm("committees.manage_ballots"):
            return committees
        mine = committee_selectors.current_memberships_of(user=self.request.user)
        return committees.filter(pk__in=mine.values("committee_id"))


class BallotViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The ballots with their cases: the back office every one, a member those of the days
    they sat on the committee (`committees.view_ballot`), newest first."""

    serializer_class = serializers.BallotSerializer
    schema_model = Ballot
    filterset_class = filters.BallotFilter
    view_perm = "committees.view_ballots"

    def scoped_queryset(self) -> QuerySet[Ballot]:
        cases = BallotCase.objects.select_related("application").order_by("id")
        return (
            committee_selectors.ballots_readable(user=self.request.user)
            .prefetch_related(Prefetch("cases", queryset=cases))
            .order_by("-opened_at", "-id")
        )

    def get_object(self) -> Ballot:
        ballot: Ballot = super().get_object()
        # The ballot's own rule: a member of the committee on the ballot's day.
        if not self.request.user.has_perm("committees.view_ballot", ballot):
            raise PermissionDenied
        return ballot


class VoteViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The votes of the ballots the user may read: while a ballot is open nobody sees how
    anyone voted, a member only their own; everyone's once it is closed. A member casts or
    changes their vote with POST (`committees.services.vote_cast`)."""

    serializer_class = serializers.VoteSerializer
    schema_model = Vote
    filterset_class = filters.VoteFilter
    view_perm = "committees.view_ballots"

    def scoped_queryset(self) -> QuerySet[Vote]:
        user = self.request.user
        ballots = committee_selectors.ballots_readable(user=user)
        return (
            Vote.objects.filter(case__ballot__in=ballots.values("pk"))
            .filter(Q(case__ballot__status=Ballot.Status.CLOSED) | Q(member_id=user.pk))
            .select_related("member", "case")
            .order_by("case_id", "id")
        )

    @extend_schema(request=inputs.VoteInput, responses={201: serializer_class})
    def create(self, request: Request) -> Response:
        data = _valid(inputs.VoteInput, request)
        ballots = committee_selectors.ballots_for(user=request.user)
        case = get_object_or_404(
            BallotCase.objects.filter(ballot__in=ballots.values("pk")), pk=data.pop("case")
        )
        vote = committee_services.vote_cast(case=case, member=request.user, **data)
        return self.answer(vote, status.HTTP_201_CREATED)


# --- Instalments, payments, bank statements ----------------------------------------------------


class InstalmentViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The instalments owed on the loans of the user's quarters (the loan page's schedule:
    the rows of the schedule in force), by loan and due date."""

    serializer_class = serializers.InstalmentSerializer
    filterset_class = filters.InstalmentFilter
    view_perm = "credits.view_loan"

    def scoped_queryset(self) -> QuerySet[Instalment]:
        return Instalment.objects.filter(is_current=True).order_by(
            "loan_id", "due_on", "number", "id"
        )


class PaymentViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The payments on the loans of the user's quarters, newest first. The back office records
    one by hand with POST (`credits.loan_services.payment_record`)."""

    serializer_class = serializers.PaymentSerializer
    filterset_class = filters.PaymentFilter
    view_perm = "credits.view_loan"

    def scoped_queryset(self) -> QuerySet[Payment]:
        return Payment.objects.order_by("-value_date", "-id")

    @extend_schema(request=inputs.PaymentInput, responses={201: serializer_class})
    def create(self, request: Request) -> Response:
        data = _valid(inputs.PaymentInput, request)
        loan = get_object_or_404(Loan.objects.all(), pk=data.pop("loan"))
        payment = loan_services.payment_record(loan=loan, actor=request.user, **data)
        return self.answer(payment, status.HTTP_201_CREATED)


class BankStatementViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The imported bank statements with the counts of their entries (the back office's)."""

    serializer_class = serializers.BankStatementSerializer
    view_perm = importer.PERMISSION

    def scoped_queryset(self) -> QuerySet[BankStatement]:
        return statements_with_counts()

    def perm_object(self, obj: Model) -> Model | None:
        return None  # lies in no quarter: the back office's alone


class BankEntryViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The entries of the imported statements (the back office's), in the order booked."""

    serializer_class = serializers.BankEntrySerializer
    filterset_class = filters.BankEntryFilter
    view_perm = importer.PERMISSION

    def scoped_queryset(self) -> QuerySet[BankEntry]:
        return BankEntry.objects.order_by("-booking_date", "-id")

    def perm_object(self, obj: Model) -> Model | None:
        return None  # lies in no quarter: the back office's alone


# --- Contacts ----------------------------------------------------------------------------------


class ContactViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The contacts with the borrowers of the user's quarters, newest first. POST records one
    (`monitoring.contact_services.contact_record`)."""

    serializer_class = serializers.ContactSerializer
    filterset_class = filters.ContactFilter
    view_perm = "monitoring.view_contacts"

    def scoped_queryset(self) -> QuerySet[Contact]:
        return Contact.objects.order_by("-contacted_on", "-id")

    @extend_schema(request=inputs.ContactInput, responses={201: serializer_class})
    def create(self, request: Request) -> Response:
        data = _valid(inputs.ContactInput, request)
        borrower = get_object_or_404(Borrower.objects.all(), pk=data.pop("borrower"))
        loan_id = data.pop("loan", None)
        loan = None if loan_id is None else get_object_or_404(Loan.objects.all(), pk=loan_id)
        contact = contact_services.contact_record(
            borrower=borrower, loan=loan, actor=request.user, **data
        )
        return self.answer(contact, status.HTTP_201_CREATED)


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
