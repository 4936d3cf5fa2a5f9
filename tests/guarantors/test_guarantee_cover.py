"""The product's guarantor rule (`selectors.guarantee_cover`): at least so many guarantors who
together cover a share of the amount, and what a draft still misses while it is not met
(credits' submission checks, through the part guarantors registers)."""

from decimal import Decimal

import pytest

from credits import services as credit_services
from credits.models import Application
from guarantors import selectors
from guarantors import services as guarantor_services
from guarantors.models import Guarantee
from tests import factories

pytestmark = pytest.mark.usefixtures("unscoped")


def d(value: str) -> Decimal:
    return Decimal(value)


def set_guarantees(application: Application, *amounts: str) -> None:
    """Replace the application's guarantees by new guarantors standing for these amounts."""
    Guarantee.objects.filter(application=application).delete()
    for amount in amounts:
        factories.GuaranteeFactory(application=application, amount=d(amount))


def test_one_guarantor_covering_everything_is_not_enough(network):
    application = network.own_application
    set_guarantees(application, "5000.00")

    cover = selectors.guarantee_cover(application=application)

    assert (cover.count, cover.required_count) == (1, 2)
    assert cover.total == d("5000.00")
    assert not cover.is_sufficient
    assert len(credit_services.application_missing_items(application=application)) == 1


def test_two_guarantors_covering_49_99_percent_miss_the_difference(network):
    application = network.own_application  # 5.000 €
    set_guarantees(application, "1249.75", "1249.75")  # 2.499,50 € = 49,99 %

    cover = selectors.guarantee_cover(application=application)

    assert cover.required_total == d("2500.00")
    assert not cover.is_sufficient
    assert cover.missing_total == d("0.50")
    assert len(credit_services.application_missing_items(application=application)) == 1


def test_two_guarantors_covering_exactly_half_are_enough(network):
    application = network.own_application
    set_guarantees(application, "1250.00", "1250.00")

    cover = selectors.guarantee_cover(application=application)

    assert cover.is_sufficient
    assert cover.missing_total == d("0.00")
    assert credit_services.application_missing_items(application=application) == []


def test_a_product_asking_three_guarantors_and_60_percent_is_honoured(network):
    product = factories.LoanProductFactory(
        name="Mikrokredit Östliche Innenstadt",
        quarter=network.own_quarter,
        min_guarantors=3,
        guarantee_share=d("60.00"),
    )
    application = factories.ApplicationFactory(
        quarter=network.own_quarter, advisor=network.advisor, product=product
    )  # 5.000 €: 3.000 € to be guaranteed by three people

    def add(amount: str, last_name: str) -> None:
        guarantor_services.guarantee_add(
            application=application,
            relation="Nachbar",
            amount=d(amount),
            actor=network.advisor,
            guarantor_data={"first_name": "Ali", "last_name": last_name},
        )

    add("1500.00", "Kaya")
    add("1500.00", "Demir")
    cover = selectors.guarantee_cover(application=application)
    assert (cover.count, cover.required_count, cover.required_total) == (2, 3, d("3000.00"))
    assert not cover.is_sufficient  # half the amount, but only two people

    add("0.01", "Aydın")
    Guarantee.objects.filter(application=application, guarantor__last_name="Demir").update(
        amount=d("1499.98")
    )
    cover = selectors.guarantee_cover(application=application)
    assert cover.count == 3
    assert cover.missing_total == d("0.01")
    assert len(credit_services.application_missing_items(application=application)) == 1

    Guarantee.objects.filter(application=application, guarantor__last_name="Aydın").update(
        amount=d("0.02")
    )
    assert selectors.guarantee_cover(application=application).is_sufficient
    assert credit_services.application_missing_items(application=application) == []
