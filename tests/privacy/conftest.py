import pytest
from django_scopes import scopes_disabled

from tests import factories

from .cases import Case, borrower_case

IBAN = factories.TEST_IBANS[2]
OTHER_IBAN = factories.TEST_IBANS[3]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def rich(network, second_staff, media) -> Case:
    """Ayşe Kaya, with a record in every place personal data lives."""
    with scopes_disabled():
        return borrower_case(
            quarter=network.own_quarter,
            advisor=network.advisor,
            first_name="Ayşe",
            last_name="Kaya",
            tag="Kaya",
            iban=IBAN,
        )


@pytest.fixture
def other(network, rich) -> Case:
    """Zacharias Quastenflosser: the same quarter, ballot, statement and guarantor."""
    with scopes_disabled():
        return borrower_case(
            quarter=network.own_quarter,
            advisor=network.advisor,
            first_name="Zacharias",
            last_name="Quastenflosser",
            tag="Quast",
            iban=OTHER_IBAN,
            guarantor=rich.guarantor,
        )
