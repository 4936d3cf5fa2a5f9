"""What a guarantor stands for in all (`selectors.open_guarantee_totals`): guarantees on
applications still open, or on loans still running."""

from decimal import Decimal

import pytest

from credits.models import Application, Loan
from guarantors import selectors
from tests import factories

pytestmark = pytest.mark.usefixtures("unscoped")

S = Application.Status


def d(value: str) -> Decimal:
    return Decimal(value)


def test_a_guarantors_open_total_counts_open_and_running_ones_only(network):
    quarter, advisor = network.own_quarter, network.advisor
    guarantor = factories.GuarantorFactory(quarter=quarter)
    other = factories.GuarantorFactory(quarter=quarter)

    def stands_for(amount: str, status: str, **extra: object) -> Application:
        application = factories.ApplicationFactory(
            quarter=quarter, advisor=advisor, status=status, **extra
        )
        factories.GuaranteeFactory(application=application, guarantor=guarantor, amount=d(amount))
        return application

    stands_for("1000.00", S.DRAFT)
    stands_for("500.00", S.SUBMITTED)
    stands_for("700.00", S.REJECTED)
    stands_for("300.00", S.WITHDRAWN, outcome=Application.Outcome.GUARANTOR_LENT)
    repaid = stands_for("400.00", S.APPROVED)
    factories.LoanFactory(borrower=repaid.borrower, application=repaid)  # repaid
    running = stands_for("200.00", S.APPROVED)
    factories.LoanFactory(
        borrower=running.borrower, application=running, status=Loan.Status.RUNNING, closed_on=None
    )

    totals = selectors.open_guarantee_totals(guarantor_ids=[guarantor.pk, other.pk])

    # 1.000 (draft) + 500 (submitted) + 200 (loan running); not rejected, withdrawn, repaid.
    assert totals == {guarantor.pk: d("1700.00"), other.pk: d("0.00")}
