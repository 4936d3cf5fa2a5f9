"""Build the national network of the benchmarks and keep it, for the load benchmark
(`./dev loadtest`, bench/locustfile.py).

The network is `bench_network`'s (100 municipalities of 5 quarters, 30,000 applications,
20,000 loans without schedules) and the loan book of `bench_monthly_check` (50,000 running
loans with 1.5 million instalments, their payments and allocations, about 13 % of them in
arrears on the last 15th, in 100 more quarters), built by the same code, but committed
instead of rolled back; then the monthly check of that 15th runs over it. (The loans of
`bench_loans` have no payment at all: every one would be ten months in arrears, which no
portfolio is.) PostgreSQL only, like the check's bench.

On top come the people the simulated users sign in as, all with one password: staff, one
advisor per municipality (its 5 quarters and one loan quarter, so that each advisor's scope
differs) and one viewer per municipality. The applications of a quarter belong to its
advisor.

Idempotent: a database that already holds the network is left as it is (only the sign-in
users are brought up to date), so the load benchmark builds it once and reuses it.
"""

import datetime
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from credits.models import Application
from miqua.accounts.models import Role, User
from miqua.management.commands import bench_monthly_check, bench_network
from monitoring.services import monthly_check_run
from quarters.models import Municipality, Quarter

# The sign-in users of the load benchmark; bench/locustfile.py knows the same names.
STAFF_USERS = 10
STAFF_EMAIL = "load.staff.{}@miqua.example"
ADVISOR_EMAIL = "load.advisor.{}@miqua.example"
VIEWER_EMAIL = "load.city.{}@miqua.example"
MARKER_SLUG = "bench-stadt-0"

# The loan book is paid up to its 15th; the borrowers who were paying then have paid the
# instalments due since, up to today, on their due dates (one payment each), so that today
# shows as many loans in arrears as the 15th did, not every loan with an instalment since.
PAY_SINCE_SQL = """
WITH due AS (
    SELECT i.id, i.loan_id, i.quarter_id, i.due_on,
        i.interest - i.paid_interest AS interest, i.principal - i.paid_principal AS principal
    FROM credits_instalment i JOIN credits_loan l ON l.id = i.loan_id
    WHERE i.is_current AND i.settled_on IS NULL AND i.due_on > %(as_of)s
        AND i.due_on <= %(today)s AND l.status = 'running'
        AND NOT EXISTS (
            SELECT 1 FROM credits_instalment j
            WHERE j.loan_id = i.loan_id AND j.is_current AND j.due_on <= %(as_of)s
                AND (j.settled_on IS NULL OR j.settled_on > %(as_of)s)
        )
), payments AS (
    INSERT INTO credits_payment (amount, value_date, source, note, recorded_at, loan_id,
        quarter_id)
    SELECT interest + principal, due_on, 'statement', 'Bench', now(), loan_id, quarter_id
    FROM due
    RETURNING id, loan_id, value_date
), allocations AS (
    INSERT INTO credits_allocation (interest, principal, value_date, loan_id, quarter_id,
        instalment_id, payment_id)
    SELECT d.interest, d.principal, d.due_on, d.loan_id, d.quarter_id, d.id, p.id
    FROM due d JOIN payments p ON p.loan_id = d.loan_id AND p.value_date = d.due_on
)
UPDATE credits_instalment i SET paid_interest = i.interest, paid_principal = i.principal,
    settled_on = i.due_on
FROM due d WHERE d.id = i.id
"""


def last_check_day(today: datetime.date) -> datetime.date:
    """The last 15th before today: the monthly check that has run."""
    day = today.replace(day=15)
    if day >= today:
        day = (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=15)
    return day


def _defaults(command: BaseCommand, name: str, *args: str) -> dict[str, object]:
    return vars(command.create_parser("manage.py", name).parse_args(list(args)))


class Command(BaseCommand):
    help = (
        "Build the national network of the benchmarks and keep it, with the load benchmark's "
        "users (idempotent: an existing network is reused)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="miqua-load-test")

    def handle(self, *args: object, **options: str) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_national needs PostgreSQL (DATABASE_URL=postgres://...)")
        with scopes_disabled():
            if Municipality.objects.filter(slug=MARKER_SLUG).exists():
                self.stdout.write("national network: already built, reused")
            else:
                self._build()
            self._users(options["password"])
        self.stdout.write(
            f"sign-in users (password {options['password']!r}): "
            f"{STAFF_EMAIL.format('0..' + str(STAFF_USERS - 1))}, "
            f"{ADVISOR_EMAIL.format('0..99')}, {VIEWER_EMAIL.format('0..99')}"
        )

    def _build(self) -> None:
        started = time.perf_counter()
        as_of = last_check_day(timezone.localdate())
        with transaction.atomic():
            network = bench_network.Command(stdout=self.stdout, stderr=self.stderr)
            network.build(_defaults(network, "bench_network"))
            loans = bench_monthly_check.Command(stdout=self.stdout, stderr=self.stderr)
            loans.build(
                _defaults(loans, "bench_monthly_check", "--municipalities=10", "--quarters=100"),
                as_of,
            )
        check = monthly_check_run(as_of=as_of)
        with connection.cursor() as cursor:
            cursor.execute(PAY_SINCE_SQL, {"as_of": as_of, "today": timezone.localdate()})
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"national network built and kept in {time.perf_counter() - started:.0f} s "
            f"(monthly check of {check.as_of})"
        )

    @transaction.atomic
    def _users(self, password: str) -> None:
        # One hash for all: hashing 210 passwords one by one would take a minute.
        hashed = make_password(password)
        for i in range(STAFF_USERS):
            self._user(STAFF_EMAIL.format(i), hashed, role=Role.STAFF)
        municipalities = list(
            Municipality.objects.filter(slug__startswith="bench-stadt-").order_by("pk")
        )
        loan_quarters = list(Quarter.objects.filter(slug__startswith="bmq-").order_by("pk"))
        for i, municipality in enumerate(municipalities):
            advisor = self._user(ADVISOR_EMAIL.format(i), hashed, role=Role.ADVISOR)
            quarters = list(municipality.quarters.all())
            advisor.advised_quarters.set(quarters + loan_quarters[i : i + 1])
            Application.objects.filter(quarter__in=quarters).exclude(advisor=advisor).update(
                advisor=advisor
            )
            self._user(
                VIEWER_EMAIL.format(i),
                hashed,
                role=Role.MUNICIPALITY_VIEWER,
                municipality=municipality,
            )

    def _user(self, email: str, hashed: str, **fields: object) -> User:
        # They sign in through the form with the password alone, also where staff otherwise
        # need a second factor (the benchmark runs with DEBUG off, as production does).
        user, _created = User.objects.update_or_create(
            email=email,
            defaults={
                "full_name": email.split("@")[0],
                "password": hashed,
                "mfa_exempt": True,
                **fields,
            },
        )
        return user
