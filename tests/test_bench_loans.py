"""`manage.py bench_loans` (`./dev bench`) builds its loans, times the statement import first
and repeated, and keeps nothing. Run here at the smallest size, so it cannot rot unnoticed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.translation import override
from django_scopes import scopes_disabled

from credits.models import BankEntry, Instalment, Loan, Payment


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English, the language of the source."""
    with override("en"):
        yield


pytestmark = pytest.mark.django_db


def test_bench_loans_times_the_first_and_the_repeated_import_and_rolls_back():
    out = StringIO()

    call_command("bench_loans", loans=40, entries=20, quarters=2, stdout=out)

    output = out.getvalue()
    assert "40 running loans with 960 instalments in 2 quarters" in output
    # Of 20 entries: 10 name a contract, 5 come from a loan's IBAN, 3 match nothing, 2 debits.
    assert "first import" in output and "15 booked (10 by contract number" in output
    assert "3 queued for review, 2 debits listed, 0 skipped" in output
    assert "repeat import" in output and "20 skipped as already imported" in output
    assert "loan page queries with few and many payments: the same" in output
    assert "loan list, staff, in arrears" in output
    assert output.rstrip().endswith("(all benchmark data rolled back)")
    with scopes_disabled():
        assert not Loan.objects.exists()
        assert not Instalment.objects.exists()
        assert not Payment.objects.exists()
        assert not BankEntry.objects.exists()
