"""`manage.py bench_monthly_check` (`./dev bench`) builds a portfolio on PostgreSQL, times the
monthly check, its floor (one SQL statement) and a per-loan loop, checks that all three agree,
and keeps nothing. Run here at a tiny size, so it cannot rot unnoticed; on SQLite it only says
that it needs PostgreSQL."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_scopes import scopes_disabled

from credits.models import Allocation, Instalment, Loan, Payment
from monitoring.models import LoanSnapshot, MonthlyCheck, QuarterRate

pytestmark = pytest.mark.django_db


def _run(**options) -> str:
    out = StringIO()
    call_command("bench_monthly_check", stdout=out, **options)
    return out.getvalue()


@pytest.mark.postgres
def test_bench_monthly_check_agrees_with_its_floor_and_loop_and_rolls_back():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")

    output = _run(loans=300, closed=9, municipalities=2, quarters=10, sample=60)

    # 300 running loans of 30 instalments (rescheduled ones have a second version too).
    built = re.search(
        r"300 running loans \((\d+) rescheduled\) and 9 closed in 10 quarters of 2 "
        r"municipalities.*; (\d+) instalments \((\d+) owed",
        output,
    )
    assert built, output
    rescheduled, instalments, owed = map(int, built.groups())
    assert rescheduled > 0
    assert instalments > 300 * 30 and owed < instalments
    # Active: the running loans and the 3 repaid after the day; the 3 repaid and the 3
    # defaulted before it are not. 10 quarters with loans and the loans outside them: 11 rows.
    floor = re.search(
        r"floor \(one SQL statement\): [\d.]+ s .* for 11 rate rows: "
        r"(\d+) of 303 active loans disrupted",
        output,
    )
    assert floor, output
    disrupted = int(floor.group(1))
    assert 0.08 * 300 < disrupted < 0.18 * 300
    assert re.search(
        rf"monthly check \(monthly_check_run\): [\d.]+ s \(goal under 10 s: (PASS|MISS)\); "
        rf"{disrupted} of 303 active loans disrupted, 11 rate rows",
        output,
    ), output
    assert re.search(r"monthly check memory: [\d.]+ MiB peak of Python allocations", output)
    assert f"check and floor per quarter: agree (11 quarters); {disrupted} bench loans" in output
    # The loop visits every loan paid out (300 running and 9 closed) and agrees with the check.
    assert re.search(
        r"per-loan Python loop: [\d.]+ s for 60 loans .* as the check says\), "
        r"extrapolated to 309 loans",
        output,
    ), output
    assert re.search(r"check / floor: [\d.]+x \(goal at most 10x: (PASS|MISS)\)", output)
    assert re.search(r"loop / check: \d+x \(goal more than 50x: (PASS|MISS)\)", output)
    assert output.rstrip().endswith("(all benchmark data rolled back)")
    with scopes_disabled():
        assert not Loan.objects.exists()
        assert not Instalment.objects.exists()
        assert not Payment.objects.exists()
        assert not Allocation.objects.exists()
        assert not MonthlyCheck.objects.exists()
        assert not LoanSnapshot.objects.exists()
        assert not QuarterRate.objects.exists()


def test_bench_monthly_check_on_sqlite_says_it_needs_postgresql(monkeypatch):
    # On PostgreSQL (CI) the connection plays SQLite, so the refusal is tested everywhere.
    monkeypatch.setattr(connection, "vendor", "sqlite")

    output = _run(loans=10)

    assert "needs PostgreSQL" in output and "skipped" in output
    with scopes_disabled():
        assert not Loan.objects.exists()
