"""The rules of an application, at the services and selectors: amounts per product and loan
cycle, term and grace, the instalment, the fund's exposure, audit entries and the
recognition of a person who applies again."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from credits import selectors, services
from credits.calculations import grace_interest, monthly_instalment
from credits.models import Application, Borrower, Loan
from miqua.audit.models import AuditEntry
from quarters.selectors import fund_figures
from tests import factories

pytestmark = pytest.mark.usefixtures("unscoped")

S = Application.Status
BORN = datetime.date(1975, 3, 14)


def d(value: str) -> Decimal:
    return Decimal(value)


def refreshed(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def set_guarantees(application: Application, *amounts: str) -> None:
    """Replace the application's guarantees by new guarantors standing for these amounts."""
    application.guarantees.all().delete()
    for amount in amounts:
        factories.GuaranteeFactory(application=application, amount=d(amount))


def earlier_loans(borrower: Borrower, count: int) -> None:
    for year in range(2010, 2010 + count):
        factories.LoanFactory(
            borrower=borrower,
            disbursed_on=datetime.date(year, 3, 1),
            closed_on=datetime.date(year + 1, 9, 30),
        )


# --- Amount per product and loan cycle --------------------------------------------------------

AMOUNTS = [
    # (earlier loans of the person, amount, allowed)
    (0, "499.99", False),
    (0, "500.00", True),
    (0, "10000.00", True),
    (0, "10000.01", False),
    (1, "10000.01", True),
    (1, "15000.00", True),
    (1, "15000.01", False),
    (2, "15000.01", True),
    (2, "20000.00", True),
    (2, "20000.01", False),
    (5, "20000.01", False),
]


@pytest.mark.parametrize(("loans", "amount", "allowed"), AMOUNTS)
def test_amount_limits_follow_the_product_and_the_loan_cycle(network, loans, amount, allowed):
    application = network.own_application
    earlier_loans(application.borrower, loans)
    # Guarantees that cover half of even the largest amount tried: only the amount decides.
    set_guarantees(application, "5000.01", "5000.01")

    if allowed:
        services.application_update(
            application=application, data={"amount": d(amount)}, actor=network.advisor
        )
        assert refreshed(application).amount == d(amount)
        assert services.application_missing_items(application=refreshed(application)) == []
    else:
        with pytest.raises(ValidationError) as refused:
            services.application_update(
                application=application, data={"amount": d(amount)}, actor=network.advisor
            )
        assert set(refused.value.message_dict) == {"amount"}
        assert refreshed(application).amount == d("5000.00")
        # Stored some other way (an import, the admin), it still keeps it from submission.
        Application.objects.filter(pk=application.pk).update(amount=d(amount))
        application = refreshed(application)
        message = services.request_errors(
            application=application, amount=application.amount, term_months=24, grace_months=0
        )["amount"]
        assert services.application_missing_items(application=application) == [message]


def test_the_cycle_counts_earlier_loans_but_not_the_applications_own(network):
    application = network.own_application
    assert selectors.loan_cycle(borrower=application.borrower, application=application) == 1
    earlier_loans(application.borrower, 1)
    factories.LoanFactory(
        borrower=application.borrower,
        application=application,
        status=Loan.Status.RUNNING,
        closed_on=None,
        disbursed_on=datetime.date(2012, 6, 1),
    )

    assert selectors.loan_cycle(borrower=application.borrower, application=application) == 2
    assert selectors.loan_cycle(borrower=application.borrower) == 3


def test_a_quarter_product_replaces_the_network_product_there_only(network):
    network_product = selectors.product_for_quarter(quarter=network.own_quarter)
    own_product = factories.LoanProductFactory(
        name="Mikrokredit Östliche Innenstadt",
        quarter=network.own_quarter,
        first_loan_max=d("5000.00"),
    )
    factories.LoanProductFactory(
        name="Altes Produkt Hochfeld", quarter=network.foreign_quarter, is_active=False
    )

    assert selectors.product_for_quarter(quarter=network.own_quarter) == own_product
    assert selectors.product_for_quarter(quarter=network.foreign_quarter) == network_product
    assert network_product.quarter is None

    application = services.application_create(
        quarter=network.own_quarter,
        borrower_data={"first_name": "Olena", "last_name": "Kovalenko", "date_of_birth": BORN},
        actor=network.advisor,
    )
    assert application.product == own_product
    with pytest.raises(ValidationError) as refused:
        services.application_update(
            application=application, data={"amount": d("5000.01")}, actor=network.advisor
        )
    assert set(refused.value.message_dict) == {"amount"}
    services.application_update(
        application=application, data={"amount": d("5000.00")}, actor=network.advisor
    )


# --- Term and grace ---------------------------------------------------------------------------


def test_the_term_is_at_most_the_products_maximum(network):
    application = network.own_application

    with pytest.raises(ValidationError) as refused:
        services.application_update(
            application=application, data={"term_months": 37}, actor=network.advisor
        )
    assert set(refused.value.message_dict) == {"term_months"}

    services.application_update(
        application=application, data={"term_months": 36}, actor=network.advisor
    )
    assert refreshed(application).term_months == 36


@pytest.mark.parametrize(
    ("term", "grace", "allowed"), [(24, 24, False), (24, 30, False), (24, 23, True)]
)
def test_grace_months_must_be_fewer_than_the_term(network, term, grace, allowed):
    application = network.own_application
    data = {"term_months": term, "grace_months": grace}

    if allowed:
        services.application_update(application=application, data=data, actor=network.advisor)
        assert refreshed(application).grace_months == grace
    else:
        with pytest.raises(ValidationError) as refused:
            services.application_update(application=application, data=data, actor=network.advisor)
        assert set(refused.value.message_dict) == {"grace_months"}
        assert refreshed(application).grace_months == 0


def test_grace_months_alone_are_checked_against_the_stored_term(network):
    application = network.own_application  # term 24

    with pytest.raises(ValidationError):
        services.application_update(
            application=application, data={"grace_months": 24}, actor=network.advisor
        )


# --- The instalment ---------------------------------------------------------------------------


def test_monthly_instalment_is_the_annuity_rounded_to_the_cent():
    # Annuity A = P * i / (1 - (1 + i)^-n) with P = 5.000, i = 8,56 % / 12 = 0,0071333...,
    # n = 24: A = 227,41563434... -> 227,42 (computed independently with 40-digit Decimals).
    instalment = monthly_instalment(
        amount=d("5000.00"), annual_rate_percent=d("8.56"), term_months=24
    )

    assert instalment == d("227.42")
    # 24 of them repay the loan with its interest: more than the amount, not absurdly more.
    assert d("5000.00") < 24 * instalment < d("5500.00")


def test_monthly_instalment_without_interest_divides_the_amount():
    # 5.000 / 24 = 208,333... -> 208,33; the last instalment of a schedule takes the rest.
    assert monthly_instalment(
        amount=d("5000.00"), annual_rate_percent=d("0.00"), term_months=24
    ) == d("208.33")


def test_grace_months_pay_interest_only_and_shorten_the_repayment():
    # 3 of 24 months grace: the annuity runs over n = 21 months: 257,2202654... -> 257,22.
    assert monthly_instalment(
        amount=d("5000.00"), annual_rate_percent=d("8.56"), term_months=24, grace_months=3
    ) == d("257.22")
    # A grace month: P * i = 5.000 * 0,0071333... = 35,666... -> 35,67.
    assert grace_interest(amount=d("5000.00"), annual_rate_percent=d("8.56")) == d("35.67")


def test_no_instalment_when_the_grace_takes_the_whole_term():
    with pytest.raises(ValueError):
        monthly_instalment(
            amount=d("5000.00"), annual_rate_percent=d("8.56"), term_months=12, grace_months=12
        )


def test_the_applications_instalment_uses_its_products_rate(network):
    assert selectors.instalment_of(application=network.own_application) == d("227.42")


# --- Exposure of the fund ---------------------------------------------------------------------


def test_a_running_loan_counts_against_the_fund_and_a_repaid_one_does_not(network):
    fund = network.own_fund
    borrower = factories.BorrowerFactory(quarter=network.own_quarter)
    before = fund_figures(fund=fund)
    assert before.outstanding_exposure == d("0.00")

    factories.LoanFactory(borrower=borrower, amount=d("3000.00"))  # repaid
    assert fund_figures(fund=fund).outstanding_exposure == d("0.00")

    factories.LoanFactory(
        borrower=borrower,
        amount=d("4500.00"),
        status=Loan.Status.RUNNING,
        closed_on=None,
        disbursed_on=datetime.date(2012, 3, 30),
    )
    foreign = factories.BorrowerFactory(quarter=network.foreign_quarter)
    factories.LoanFactory(
        borrower=foreign, amount=d("9000.00"), status=Loan.Status.RUNNING, closed_on=None
    )

    after = fund_figures(fund=fund)
    assert after.outstanding_exposure == d("4500.00")  # the full amount, this quarter only
    assert after.available_capacity == before.lending_capacity - d("4500.00")
    assert fund_figures(fund=network.foreign_fund).outstanding_exposure == d("9000.00")


# --- Audit entries ----------------------------------------------------------------------------


def actions_on(obj) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).values_list("action", flat=True)
    )


def test_application_create_records_the_new_borrower_and_the_application(network):
    application = services.application_create(
        quarter=network.own_quarter,
        borrower_data={
            "first_name": "Giorgos",
            "last_name": "Papadopoulos",
            "date_of_birth": BORN,
            "phone": "069 8123456",
        },
        actor=network.advisor,
    )

    assert application.status == S.DRAFT
    assert application.advisor == network.advisor
    entry = AuditEntry.objects.get(action="application.created", object_id=str(application.pk))
    assert entry.actor == network.advisor
    assert entry.quarter_id == network.own_quarter.pk
    assert entry.changes == {"borrower": "Giorgos Papadopoulos", "recognised": False}
    assert actions_on(application.borrower) == ["borrower.created"]


def test_application_update_records_what_changed_and_nothing_when_nothing_did(network):
    application = network.own_application

    services.application_update(
        application=application,
        data={"amount": d("6000.00"), "purpose": "Zweite Nähmaschine", "status": "approved"},
        actor=network.advisor,
    )

    entry = AuditEntry.objects.get(action="application.changed", object_id=str(application.pk))
    # The purpose was already so; the status is not the advisor's to write.
    assert entry.changes == {"amount": "6000.00"}
    assert entry.actor == network.advisor
    assert refreshed(application).status == S.DRAFT

    services.application_update(
        application=application, data={"amount": d("6000.00")}, actor=network.advisor
    )
    assert actions_on(application).count("application.changed") == 1


# --- A person who applies again ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [("Mehmet", "Öztürk"), ("mehmet", "öztürk"), ("MEHMET", "ÖZTÜRK"), ("  Mehmet ", "Öztürk ")],
)
def test_find_borrower_recognises_the_person_whatever_the_case(network, first_name, last_name):
    known = factories.BorrowerFactory(
        quarter=network.own_quarter, first_name="Mehmet", last_name="Öztürk", date_of_birth=BORN
    )

    found = selectors.find_borrower(
        quarter=network.own_quarter,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=BORN,
    )

    assert found == known


def test_find_borrower_needs_the_same_quarter_and_date_of_birth(network):
    factories.BorrowerFactory(
        quarter=network.own_quarter, first_name="Mehmet", last_name="Öztürk", date_of_birth=BORN
    )

    def find(quarter, born):
        return selectors.find_borrower(
            quarter=quarter, first_name="Mehmet", last_name="Öztürk", date_of_birth=born
        )

    assert find(network.foreign_quarter, BORN) is None
    assert find(network.own_quarter, datetime.date(1975, 3, 15)) is None


def test_a_repeat_borrower_is_reused_with_the_known_name_and_new_contact_details(network):
    known = factories.BorrowerFactory(
        quarter=network.own_quarter,
        first_name="Nuray",
        last_name="Aksoy",
        date_of_birth=BORN,
        phone="069 111111",
    )
    earlier_loans(known, 1)

    application = services.application_create(
        quarter=network.own_quarter,
        borrower_data={
            "first_name": "NURAY",
            "last_name": "aksoy",
            "date_of_birth": BORN,
            "phone": "0176 2222222",
            "email": "",
        },
        actor=network.advisor,
    )

    known.refresh_from_db()
    assert application.borrower == known
    assert Borrower.objects.filter(last_name__iexact="aksoy").count() == 1
    assert (known.first_name, known.last_name) == ("Nuray", "Aksoy")
    assert known.phone == "0176 2222222"
    entry = AuditEntry.objects.get(action="application.created", object_id=str(application.pk))
    assert entry.changes["recognised"] is True
    # Her second loan: up to the second step of the product.
    assert selectors.loan_cycle(borrower=known, application=application) == 2
    services.application_update(
        application=application, data={"amount": d("15000.00")}, actor=network.advisor
    )
