"""Measure the network pages at national scale and print the figures.

Builds a large network inside a transaction that is rolled back at the end, so it can run
against any database (the demo SQLite file or PostgreSQL) without leaving anything behind.
"""

import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from credits.models import Application, Borrower, Loan, LoanProduct
from miqua.accounts.models import Role, User
from quarters.models import FundContribution, LiabilityFund, Municipality, Organisation, Quarter


class _Rollback(Exception):
    pass


def time_page(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    """GET `url` once to warm up, then `repeat` times: the median and maximum time in ms and
    the query count of the last request. Anything but a 200 is an error."""
    client.get(url)  # warm up templates and caches
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise CommandError(f"{url}: {response.status_code}")
    return statistics.median(timings), max(timings), len(queries)


class Command(BaseCommand):
    help = (
        "Time the overview, quarter and application pages with a national network "
        "(nothing is kept)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipalities", type=int, default=100)
        parser.add_argument("--quarters-per-municipality", type=int, default=5)
        parser.add_argument("--contributions-per-fund", type=int, default=20)
        parser.add_argument("--applications-per-quarter", type=int, default=60)
        parser.add_argument("--loans-per-quarter", type=int, default=40)
        parser.add_argument("--repeat", type=int, default=10)

    def handle(self, *args: object, **options: int) -> None:
        try:
            with transaction.atomic(), scopes_disabled():
                self.build(options)
                self._measure(options["repeat"])
                raise _Rollback
        except _Rollback:
            self.stdout.write("(all benchmark data rolled back)")

    def build(self, options: dict[str, int]) -> None:
        started = time.perf_counter()
        partner = Organisation.objects.create(name="Bench-Sparkasse", kind="savings_bank")
        municipalities = Municipality.objects.bulk_create(
            Municipality(name=f"Bench-Stadt {i}", slug=f"bench-stadt-{i}")
            for i in range(options["municipalities"])
        )
        quarters = Quarter.objects.bulk_create(
            Quarter(municipality=m, name=f"Quartier {j}", slug=f"{m.slug}-q{j}")
            for m in municipalities
            for j in range(options["quarters_per_municipality"])
        )
        funds = LiabilityFund.objects.bulk_create(
            LiabilityFund(quarter=q, name=f"Fonds {q.slug}") for q in quarters
        )
        FundContribution.objects.bulk_create(
            (
                FundContribution(
                    fund=f, partner=partner, paid_on="2010-01-01", amount=Decimal("1000.00")
                )
                for f in funds
                for _ in range(options["contributions_per_fund"])
            ),
            batch_size=5000,
        )
        self.staff = User.objects.create_user(
            email="bench.staff@miqua.example", full_name="Bench", role=Role.STAFF
        )
        self.advisor = User.objects.create_user(
            email="bench.advisor@miqua.example", full_name="Bench", role=Role.ADVISOR
        )
        self.advisor.advised_quarters.set(quarters[:3])
        self.quarter_slug = quarters[0].slug
        applications, loans = self._build_applications(quarters, options)
        self.stdout.write(
            f"network: {len(municipalities)} municipalities, {len(quarters)} quarters, "
            f"{len(funds) * options['contributions_per_fund']} contributions, "
            f"{applications} applications, {loans} running loans "
            f"({connection.vendor}), built in {time.perf_counter() - started:.1f} s"
        )

    def _build_applications(
        self, quarters: list[Quarter], options: dict[str, int]
    ) -> tuple[int, int]:
        """Applications in every status and running loans, as a national network has them."""
        product = LoanProduct.objects.create(name="Bench-Produkt", is_active=False)
        borrowers = Borrower.objects.bulk_create(
            (
                Borrower(
                    quarter=q,
                    first_name=f"Vorname{i}",
                    last_name=f"Nachname{q.pk}-{i}",
                    date_of_birth="1980-01-01",
                )
                for q in quarters
                for i in range(options["applications_per_quarter"])
            ),
            batch_size=5000,
        )
        statuses = Application.Status.values
        Application.objects.bulk_create(
            (
                Application(
                    quarter_id=b.quarter_id,
                    borrower=b,
                    product=product,
                    advisor=self.advisor,
                    status=statuses[i % len(statuses)],
                    outcome=(
                        Application.Outcome.OTHER
                        if statuses[i % len(statuses)] == Application.Status.WITHDRAWN
                        else ""
                    ),
                    business_name=f"Betrieb {i}",
                    amount=Decimal("5700.00"),
                )
                for i, b in enumerate(borrowers)
            ),
            batch_size=5000,
        )
        per_quarter = options["loans_per_quarter"]
        Loan.objects.bulk_create(
            (
                Loan(
                    quarter_id=b.quarter_id,
                    borrower=b,
                    contract_number=f"BENCH-{b.pk}",
                    amount=Decimal("1000.00"),
                    interest_rate=Decimal("8.56"),
                    term_months=24,
                    disbursed_on="2026-01-15",
                    status=Loan.Status.RUNNING,
                )
                for i, b in enumerate(borrowers)
                if i % options["applications_per_quarter"] < per_quarter
            ),
            batch_size=5000,
        )
        return len(borrowers), len(quarters) * min(per_quarter, options["applications_per_quarter"])

    def _measure(self, repeat: int) -> None:
        cases = [
            ("staff overview, every quarter", self.staff, "/"),
            ("advisor overview, 3 quarters", self.advisor, "/"),
            ("quarter page (staff)", self.staff, f"/quarters/{self.quarter_slug}/"),
            ("applications, staff, all open", self.staff, "/applications/"),
            ("applications, staff, search", self.staff, "/applications/?q=Nachname1"),
            ("applications, advisor", self.advisor, "/applications/"),
        ]
        self.stdout.write(f"{'page':34} {'median ms':>10} {'max ms':>8} {'queries':>8}")
        for label, user, url in cases:
            client = Client(SERVER_NAME="localhost")  # a host ALLOWED_HOSTS knows
            client.force_login(user)
            median, longest, queries = time_page(client, url, repeat)
            self.stdout.write(f"{label:34} {median:10.1f} {longest:8.1f} {queries:8d}")
