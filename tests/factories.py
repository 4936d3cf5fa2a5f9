"""Factories for the network. Build objects inside `scopes_disabled()` (the `db` fixtures in
conftest do that for you)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from committees.models import Committee, CommitteeMembership
from credits.models import Application, Borrower, Loan, LoanProduct
from guarantors.models import Guarantee, Guarantor
from miqua.accounts.models import Role, User
from quarters.models import FundContribution, LiabilityFund, Municipality, Organisation, Quarter

PASSWORD = "test-password-123"


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Stadt {n}")
    slug = factory.Sequence(lambda n: f"stadt-{n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Sparkasse {n}")
    kind = Organisation.Kind.SAVINGS_BANK


class QuarterFactory(DjangoModelFactory):
    class Meta:
        model = Quarter

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")


class LiabilityFundFactory(DjangoModelFactory):
    class Meta:
        model = LiabilityFund

    quarter = factory.SubFactory(QuarterFactory)
    name = factory.LazyAttribute(lambda o: f"Haftungsfonds {o.quarter.name}")
    leverage_factor = Decimal("5.00")


class FundContributionFactory(DjangoModelFactory):
    class Meta:
        model = FundContribution

    fund = factory.SubFactory(LiabilityFundFactory)
    partner = factory.SubFactory(OrganisationFactory)
    paid_on = datetime.date(2009, 2, 1)
    amount = Decimal("10000.00")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@miqua.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.ADVISOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def quarters(self, create: bool, extracted: list[Quarter] | None, **kwargs: object) -> None:
        if create and extracted:
            self.advised_quarters.set(extracted)
        if create:
            self.save()


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Vergabeausschuss {n}")
    quarter = factory.SubFactory(QuarterFactory)
    municipality = None


class CommitteeMembershipFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMembership

    committee = factory.SubFactory(CommitteeFactory)
    member = factory.SubFactory(UserFactory, role=Role.COMMITTEE_MEMBER)
    starts_on = datetime.date(2020, 1, 1)


class LoanProductFactory(DjangoModelFactory):
    """The network's product with the defaults of the documents (500 to 20,000 EUR ...)."""

    class Meta:
        model = LoanProduct

    name = "MIQUA-Mikrokredit"
    quarter = None


class BorrowerFactory(DjangoModelFactory):
    class Meta:
        model = Borrower

    quarter = factory.SubFactory(QuarterFactory)
    first_name = factory.Sequence(lambda n: f"Vorname{n}")
    last_name = factory.Sequence(lambda n: f"Nachname{n}")
    date_of_birth = datetime.date(1980, 5, 17)
    phone = "069 123456"
    street = "Hauptstraße 1"
    postal_code = "63065"
    city = "Offenbach am Main"
    receives_sgb2 = False


class ApplicationFactory(DjangoModelFactory):
    """A draft with the borrower's, business and request parts filled in, no guarantors yet."""

    class Meta:
        model = Application

    quarter = factory.SubFactory(QuarterFactory)
    borrower = factory.SubFactory(BorrowerFactory, quarter=factory.SelfAttribute("..quarter"))
    product = factory.LazyFunction(
        lambda: (
            LoanProduct.objects.filter(is_active=True, quarter__isnull=True).first()
            or LoanProductFactory()
        )
    )
    advisor = factory.SubFactory(UserFactory, role=Role.ADVISOR)
    business_name = "Änderungsschneiderei Yılmaz"
    trade = "Schneiderei"
    stage = Application.Stage.EXISTING
    amount = Decimal("5000.00")
    purpose = "Zweite Nähmaschine"
    term_months = 24
    improves_situation = "Ja: mehr Aufträge, eigenes Einkommen ohne Aufstockung."
    can_repay = "Ja: freier Überschuss 600 € im Monat."
    potential = Application.Level.HIGH
    handicap = Application.Handicap.LARGE
    monthly_income = Decimal("2400.00")
    monthly_costs = Decimal("1800.00")
    repayable_if_closed = True


class GuarantorFactory(DjangoModelFactory):
    class Meta:
        model = Guarantor

    quarter = factory.SubFactory(QuarterFactory)
    first_name = factory.Sequence(lambda n: f"Bürge{n}")
    last_name = "Muster"


class GuaranteeFactory(DjangoModelFactory):
    class Meta:
        model = Guarantee

    application = factory.SubFactory(ApplicationFactory)
    quarter = factory.SelfAttribute("application.quarter")
    guarantor = factory.SubFactory(GuarantorFactory, quarter=factory.SelfAttribute("..quarter"))
    relation = "Bruder"
    amount = Decimal("1250.00")


class LoanFactory(DjangoModelFactory):
    class Meta:
        model = Loan

    quarter = factory.SelfAttribute("borrower.quarter")
    borrower = factory.SubFactory(BorrowerFactory)
    contract_number = factory.Sequence(lambda n: f"ALT-{n:06d}")
    amount = Decimal("3000.00")
    interest_rate = Decimal("8.56")
    term_months = 18
    disbursed_on = datetime.date(2010, 3, 1)
    status = Loan.Status.REPAID
    closed_on = datetime.date(2011, 9, 30)


# IBANs with valid check digits, for payouts in tests (schwifty checks them).
TEST_IBANS = (
    "DE89370400440532013000",
    "DE02120300000000202051",
    "DE02500105170137075030",
    "DE12500105170648489890",
)


def approved_application(
    *, quarter: Quarter, amount: Decimal = Decimal("5000.00"), borrower: Borrower | None = None
) -> Application:
    """An application approved by its committee, with its capacity reserved: what a payout
    starts from. Written directly (the committee's ballot is tested elsewhere)."""
    from credits.models import CapacityReservation

    borrower_kwargs = {} if borrower is None else {"borrower": borrower}
    application = ApplicationFactory(
        quarter=quarter, amount=amount, status=Application.Status.APPROVED, **borrower_kwargs
    )
    CapacityReservation.objects.create(
        fund=quarter.fund, quarter=quarter, application=application, amount=amount
    )
    return application


def paid_out_loan(
    *,
    quarter: Quarter,
    recorder: User,
    confirmer: User,
    amount: Decimal = Decimal("5000.00"),
    disbursed_on: datetime.date = datetime.date(2025, 1, 15),
    term_months: int = 24,
    grace_months: int = 0,
    interest_rate: Decimal = Decimal("8.56"),
    contract_number: str | None = None,
    iban: str = TEST_IBANS[0],
    borrower: Borrower | None = None,
) -> Loan:
    """A loan paid out through the services: recorded by one staff member, confirmed by
    another. Call it with scopes disabled."""
    from credits import loan_services

    application = approved_application(quarter=quarter, amount=amount, borrower=borrower)
    loan = loan_services.loan_record(
        application=application,
        terms=loan_services.LoanTerms(
            contract_number=contract_number or f"KV-{application.pk:07d}",
            iban=iban,
            disbursed_on=disbursed_on,
            amount=amount,
            interest_rate=interest_rate,
            term_months=term_months,
            grace_months=grace_months,
        ),
        actor=recorder,
        today=disbursed_on,
    )
    return loan_services.loan_confirm(loan=loan, actor=confirmer)


def outside_loan(
    *,
    recorder: User,
    confirmer: User,
    contract_number: str,
    borrower: Borrower | None = None,
    disbursed_on: datetime.date = datetime.date(2025, 1, 15),
    amount: Decimal = Decimal("3000.00"),
    term_months: int = 12,
) -> Loan:
    """A loan outside the quarters (to a borrower of no quarter), recorded by one staff member
    and confirmed by another. Call it with scopes disabled."""
    from credits import loan_services

    loan = loan_services.loan_record_outside(
        borrower=borrower or BorrowerFactory(quarter=None),
        terms=loan_services.LoanTerms(
            contract_number=contract_number,
            iban=TEST_IBANS[1],
            disbursed_on=disbursed_on,
            amount=amount,
            interest_rate=Decimal("8.56"),
            term_months=term_months,
        ),
        actor=recorder,
        today=disbursed_on,
    )
    return loan_services.loan_confirm(loan=loan, actor=confirmer)
