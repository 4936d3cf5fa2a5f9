"""`manage.py bench_network` (`./dev bench`) builds its network, times the pages and keeps
nothing. Run here at the smallest size, so the benchmark cannot rot unnoticed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from credits.models import Application, Loan
from miqua.accounts.models import User
from quarters.models import Quarter

pytestmark = pytest.mark.django_db


def test_bench_network_times_every_page_and_rolls_its_data_back():
    out = StringIO()

    call_command(
        "bench_network",
        municipalities=1,
        quarters_per_municipality=3,
        contributions_per_fund=1,
        applications_per_quarter=4,
        loans_per_quarter=2,
        repeat=1,
        stdout=out,
    )

    output = out.getvalue()
    assert "1 municipalities, 3 quarters, 3 contributions, 12 applications, 6 running loans" in (
        output
    )
    # A header and one row per page: the staff and advisor overviews, the quarter page and
    # three application lists.
    table = output.split("queries\n")[1].split("(all benchmark data rolled back)")[0]
    assert len(table.strip().splitlines()) == 6, output
    assert output.rstrip().endswith("(all benchmark data rolled back)")
    with scopes_disabled():
        assert not Quarter.objects.exists()
        assert not Application.objects.exists()
        assert not Loan.objects.exists()
        assert not User.objects.exists()
