"""Measure the monthly disruption check at national scale and print the figures: the whole
check (`monthly_check_run`), its time and peak memory; the floor, one raw SQL statement that
computes the same rates; and a naive per-loan Python loop over a sample, extrapolated.
Goals: the check under 10 s, within 10x the floor, more than 50x faster than the loop.

PostgreSQL only: on another database it says so and does nothing. Builds its portfolio inside
a transaction that is rolled back at the end, like `bench_loans`, set-based (INSERT ... SELECT
from generate_series): 500 quarters in 50 municipalities, 50,000 running loans of 30
instalments (1.5 million), 4 % of them rescheduled (an older version whose later instalments
are no longer owed), payments and allocations such that on the check's day about 13 % of the
loans are in arrears (the last instalment unpaid, half paid, paid after the day, or several
months behind), the rest paid up to the day; a few hundred closed loans (repaid before and
after the day, defaulted before it) and 2 % of the loans outside the quarters.
"""

import datetime
import random
import resource
import time
import tracemalloc
from collections import defaultdict
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django_scopes import scopes_disabled

from credits.loan_selectors import PAID_OUT_STATES
from credits.models import Allocation, Instalment, Loan
from monitoring.models import LoanSnapshot, MonthlyCheck, QuarterRate
from monitoring.services import monthly_check_run
from quarters.models import Municipality, Quarter

AS_OF = datetime.date(2026, 11, 15)
TERM = 30
CHECK_GOAL_S = 10.0
FLOOR_GOAL_RATIO = 10.0
LOOP_GOAL_RATIO = 50.0
TABLES = (
    "credits_borrower, credits_loan, credits_scheduleversion, credits_instalment, "
    "credits_payment, credits_allocation"
)

# One row per bench loan: its category (how it pays), quarter, instalment day, and m, the
# number of months between its payout month and the check's month (its first instalment falls
# in the month after the payout, the n-th in month m - n before the check's).
PLAN_SQL = """
CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
SELECT g AS i,
    'BMC-' || lpad(g::text, 7, '0') AS cn,
    c.cat,
    CASE WHEN mod(g, 50) = 49 THEN NULL
         ELSE (%(quarters)s::bigint[])[1 + mod(g, cardinality(%(quarters)s::bigint[]))]
    END AS quarter_id,
    CASE WHEN g < %(loans)s THEN (ARRAY[1, 15, 28])[1 + mod(g, 3)] ELSE 28 END AS day,
    c.m,
    (c.cat <> 'closed' AND g < %(loans)s AND mod(g, 25) = 7 AND c.m >= 4) AS resched,
    c.m - 2 AS r,
    2 + mod(g, 4) AS behind,
    CASE WHEN c.cat IN ('repaid_before', 'repaid_after') THEN 'repaid'
         WHEN c.cat = 'defaulted' THEN 'defaulted' ELSE 'running' END AS status
FROM generate_series(0, %(loans)s + %(closed)s - 1) AS g
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN g >= %(loans)s
            THEN (ARRAY['repaid_before', 'repaid_after', 'defaulted'])[1 + mod(g, 3)]
        WHEN mod(g * 37, 100) < 85 THEN CASE WHEN mod(g, 5) = 0 THEN 'ahead' ELSE 'paid' END
        WHEN mod(g * 37, 100) < 90 THEN 'one_behind'
        WHEN mod(g * 37, 100) < 93 THEN 'partial'
        WHEN mod(g * 37, 100) < 96 THEN 'behind'
        WHEN mod(g * 37, 100) < 98 THEN 'late'
        ELSE 'on_day' END AS cat,
    CASE WHEN g < %(loans)s THEN 1 + mod(g * 7919, 29)
         WHEN mod(g, 3) = 0 THEN 31 + mod(g, 4)
         WHEN mod(g, 3) = 1 THEN 30
         ELSE 20 END AS m
) AS c
"""

BORROWERS_SQL = """
INSERT INTO credits_borrower (first_name, last_name, date_of_birth, email, phone, street,
    postal_code, city, languages, bank_relationship, created_at, quarter_id)
SELECT 'Bench', cn, DATE '1980-01-01', '', '', '', '', '', '', '', now(), quarter_id
FROM bench_plan
"""

LOANS_SQL = """
INSERT INTO credits_loan (amount, term_months, disbursed_on, status, closed_on, had_disruptions,
    borrower_id, quarter_id, closing_reason, contract_number, grace_months, iban, instalment_day,
    interest_rate, method)
SELECT 3000, %(term)s,
    (date_trunc('month', %(day)s::date) - make_interval(months => p.m))::date + mod(p.i, 10),
    p.status,
    CASE WHEN p.status = 'defaulted' THEN %(day)s::date - 20
         WHEN p.status = 'repaid' THEN (date_trunc('month', %(day)s::date)
             + make_interval(months => %(term)s - p.m, days => p.day - 1))::date + 3
    END,
    FALSE, b.id, p.quarter_id, '', p.cn, 0, '', p.day, 8.56, 'annuity'
FROM bench_plan p JOIN credits_borrower b ON b.last_name = p.cn AND b.first_name = 'Bench'
"""

PLAN_LOANS_SQL = """
CREATE TEMP TABLE bench_loans ON COMMIT DROP AS
SELECT p.*, l.id AS loan_id FROM bench_plan p JOIN credits_loan l ON l.contract_number = p.cn
"""

VERSIONS_SQL = """
INSERT INTO credits_scheduleversion (number, kind, status, valid_from, term_months, pause_months,
    reason, proposed_at, loan_id, quarter_id)
SELECT 1, 'initial', CASE WHEN resched THEN 'superseded' ELSE 'active' END,
    (date_trunc('month', %(day)s::date) - make_interval(months => m - 1))::date,
    %(term)s, 0, '', now(), loan_id, quarter_id
FROM bench_loans
UNION ALL
SELECT 2, 'longer_term', 'active',
    (date_trunc('month', %(day)s::date) + make_interval(months => r - m))::date,
    %(term)s + 3 - r, 0, 'Bench', now(), loan_id, quarter_id
FROM bench_loans WHERE resched
"""

# Version 1: instalments 1..30; a rescheduled loan's version 2 takes over from month r with
# smaller instalments up to month 32, and version 1's instalments from month r on are no
# longer owed (is_current false, never paid).
SCHEDULE_SQL = """
CREATE TEMP TABLE bench_sched ON COMMIT DROP AS
SELECT p.loan_id, v.id AS version_id, p.quarter_id, p.i, p.cat, p.behind,
    (CASE WHEN v.number = 2 THEN n - p.r + 1 ELSE n END) AS number,
    (date_trunc('month', %(day)s::date)
        + make_interval(months => n - p.m, days => p.day - 1))::date AS due_on,
    CASE WHEN v.number = 2 THEN round((33 - n) * 0.64, 2)
         ELSE round((31 - n) * 0.71, 2) END AS interest,
    CASE WHEN v.number = 2 THEN 90.00 ELSE 100.00 END AS principal,
    CASE WHEN v.number = 2 THEN greatest(0, 3000 - 100 * (p.r - 1) - 90 * (n - p.r + 1))
         ELSE 3000 - 100 * n END AS balance,
    (v.number = 2 OR NOT p.resched OR n < p.r) AS is_current
FROM bench_loans p
JOIN credits_scheduleversion v ON v.loan_id = p.loan_id
CROSS JOIN LATERAL generate_series(
    CASE WHEN v.number = 2 THEN p.r ELSE 1 END,
    CASE WHEN v.number = 2 THEN %(term)s + 2 ELSE %(term)s END) AS n
"""

# What each owed instalment was paid, and when: j is its rank among the loan's owed instalments,
# k the number of them due on the day. Paid in full a few days before it fell due, except for
# the loan's category: the last due one unpaid (one_behind), the last `behind` ones unpaid,
# the last half paid (principal), paid four days after the day (late), paid on the day itself
# (on_day, not in arrears), or the next one paid ahead.
INSTALMENTS_SQL = """
CREATE TEMP TABLE bench_inst ON COMMIT DROP AS
WITH ranked AS (
    SELECT s.*,
        row_number() OVER (PARTITION BY loan_id, is_current ORDER BY due_on) AS j,
        count(*) FILTER (WHERE due_on <= %(day)s::date)
            OVER (PARTITION BY loan_id, is_current) AS k
    FROM bench_sched s
), decided AS (
    SELECT r.*, CASE
        WHEN NOT is_current THEN 'none'
        WHEN cat IN ('repaid_before', 'repaid_after') THEN 'full'
        WHEN cat = 'defaulted' THEN CASE WHEN j <= 10 THEN 'full' ELSE 'none' END
        WHEN j > k THEN CASE WHEN cat = 'ahead' AND j = k + 1 THEN 'ahead' ELSE 'none' END
        WHEN cat = 'one_behind' AND j = k THEN 'none'
        WHEN cat = 'behind' AND j > k - behind THEN 'none'
        WHEN cat = 'partial' AND j = k THEN 'partial'
        WHEN cat = 'late' AND j = k THEN 'late'
        WHEN cat = 'on_day' AND j = k THEN 'on_day'
        ELSE 'full' END AS pay
    FROM ranked r
)
SELECT row_number() OVER () AS rn, i, cat, loan_id, version_id, quarter_id, number, due_on,
    interest, principal, balance, is_current,
    CASE WHEN pay = 'none' THEN 0 ELSE interest END AS paid_interest,
    CASE pay WHEN 'none' THEN 0 WHEN 'partial' THEN round(principal / 2, 2)
        ELSE principal END AS paid_principal,
    CASE pay WHEN 'full' THEN due_on - mod(i, 4) WHEN 'partial' THEN due_on
        WHEN 'ahead' THEN %(day)s::date - 2 WHEN 'late' THEN %(day)s::date + 4
        WHEN 'on_day' THEN %(day)s::date END AS value_date,
    pay
FROM decided
"""

INSERT_INSTALMENTS_SQL = """
INSERT INTO credits_instalment (id, loan_id, version_id, quarter_id, number, due_on, interest,
    principal, balance, is_current, paid_interest, paid_principal, settled_on)
SELECT %(instalment)s + rn, loan_id, version_id, quarter_id, number, due_on, interest,
    principal, balance, is_current, paid_interest, paid_principal,
    CASE WHEN pay NOT IN ('none', 'partial') THEN value_date END
FROM bench_inst ORDER BY rn
"""

# One payment per paid instalment, with its allocation; written loan by loan (in the order of
# the instalments: a third faster than by value date, the indexes are filled in order).
INSERT_PAYMENTS_SQL = """
INSERT INTO credits_payment (id, amount, value_date, source, note, recorded_at, loan_id,
    quarter_id)
SELECT %(payment)s + rn, paid_interest + paid_principal, value_date, 'statement', '', now(),
    loan_id, quarter_id
FROM bench_inst WHERE pay <> 'none' ORDER BY rn
"""

INSERT_ALLOCATIONS_SQL = """
INSERT INTO credits_allocation (interest, principal, value_date, loan_id, quarter_id,
    instalment_id, payment_id)
SELECT paid_interest, paid_principal, value_date, loan_id, quarter_id, %(instalment)s + rn,
    %(payment)s + rn
FROM bench_inst WHERE pay <> 'none' ORDER BY rn
"""

# The floor: the rates of the check in one statement, written by hand. Active: paid out by the
# day and not closed by then. Disrupted: an active loan with an owed instalment due on or
# before the day, not settled by then, whose allocations of value date up to the day do not
# cover it (the definition of `credits.loan_selectors.arrears_rows`).
FLOOR_SQL = """
WITH active AS (
    SELECT id, quarter_id FROM credits_loan
    WHERE status = ANY(%(states)s) AND disbursed_on <= %(day)s
        AND (closed_on IS NULL OR closed_on > %(day)s)
), late AS (
    SELECT DISTINCT i.loan_id FROM credits_instalment i
    WHERE i.is_current AND i.due_on <= %(day)s
        AND (i.settled_on IS NULL OR i.settled_on > %(day)s)
        AND i.interest + i.principal > COALESCE((
            SELECT SUM(a.interest + a.principal) FROM credits_allocation a
            WHERE a.instalment_id = i.id AND a.value_date <= %(day)s), 0)
)
SELECT a.quarter_id, COUNT(*) AS active, COUNT(l.loan_id) AS disrupted
FROM active a LEFT JOIN late l ON l.loan_id = a.id
GROUP BY a.quarter_id
"""


RESERVE_IDS = "(ids)"


class _Rollback(Exception):
    pass


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


class Command(BaseCommand):
    help = (
        "Time the monthly disruption check against a national loan book on PostgreSQL, with "
        "its floor (one SQL statement) and a per-loan loop (nothing is kept)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loans", type=int, default=50_000, help="running loans")
        parser.add_argument(
            "--closed", type=int, default=None, help="closed loans (default: loans / 160)"
        )
        parser.add_argument("--municipalities", type=int, default=50)
        parser.add_argument("--quarters", type=int, default=500)
        parser.add_argument("--sample", type=int, default=500, help="loans of the Python loop")
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, default=AS_OF, help="a 15th"
        )

    def handle(self, *args: object, **options: object) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write(
                f"monthly check bench: needs PostgreSQL (DATABASE_URL=postgres://...); "
                f"this is {connection.vendor}, skipped"
            )
            return
        as_of = options["as_of"]
        assert isinstance(as_of, datetime.date)
        if as_of.day != 15:
            raise CommandError("--as-of must be a 15th")
        try:
            with transaction.atomic(), scopes_disabled():
                if MonthlyCheck.objects.filter(as_of=as_of).exists():
                    raise CommandError(f"this database already has a check of {as_of}: --as-of")
                self.build(options, as_of)
                floor_rates, floor_s = self.measure_floor(as_of)
                check, check_s = self.measure_check(as_of)
                self.compare(check, floor_rates)
                loop_s = self.measure_loop(as_of, check, sample=int(options["sample"]))
                self.ratios(check_s=check_s, floor_s=floor_s, loop_s=loop_s)
                raise _Rollback
        except _Rollback:
            self.stdout.write("(all benchmark data rolled back)")

    def build(self, options: dict[str, object], as_of: datetime.date) -> None:
        self.verbosity = int(options["verbosity"])
        started = time.perf_counter()
        loans = int(options["loans"])
        closed = options["closed"]
        closed = max(3, loans // 160) if closed is None else int(closed)
        municipalities = Municipality.objects.bulk_create(
            Municipality(name=f"Bench-Monat {i}", slug=f"bench-monat-{i}")
            for i in range(int(options["municipalities"]))
        )
        per = -(-int(options["quarters"]) // len(municipalities))
        quarters = Quarter.objects.bulk_create(
            Quarter(municipality=m, name=f"Quartier {j}", slug=f"bmq-{m.pk}-{j}")
            for m in municipalities
            for j in range(per)
        )[: int(options["quarters"])]
        params = {
            "quarters": [q.pk for q in quarters],
            "loans": loans,
            "closed": closed,
            "day": as_of,
            "term": TERM,
        }
        with connection.cursor() as cursor:
            # Sorts and window functions over a million rows: in memory, not on disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            for sql in (
                PLAN_SQL,
                BORROWERS_SQL,
                LOANS_SQL,
                PLAN_LOANS_SQL,
                VERSIONS_SQL,
                SCHEDULE_SQL,
                INSTALMENTS_SQL,
                RESERVE_IDS,
                INSERT_INSTALMENTS_SQL,
                INSERT_PAYMENTS_SQL,
                INSERT_ALLOCATIONS_SQL,
            ):
                if sql is RESERVE_IDS:
                    params.update(self._reserve_ids(cursor))
                    continue
                step = time.perf_counter()
                cursor.execute(sql, params)
                if self.verbosity >= 2:
                    first_line = sql.strip().splitlines()[0]
                    self.stdout.write(f"  {time.perf_counter() - step:6.2f} s  {first_line}")
            # A database of this size has statistics (autovacuum); rows written inside this
            # uncommitted transaction have none, and the planner would guess.
            cursor.execute(f"ANALYZE {TABLES}")
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE is_current), "
                "count(*) FILTER (WHERE pay IN ('none', 'partial') AND is_current) FROM bench_inst"
            )
            instalments, current, open_ = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM bench_inst WHERE pay <> 'none'")
            (payments,) = cursor.fetchone()
            cursor.execute("SELECT count(*) FILTER (WHERE resched) FROM bench_loans")
            (rescheduled,) = cursor.fetchone()
            # In arrears by construction: the running loans of the four late categories with
            # an owed instalment due by the day.
            cursor.execute(
                "SELECT count(DISTINCT loan_id) FROM bench_inst WHERE is_current "
                "AND due_on <= %s AND cat IN ('one_behind', 'partial', 'behind', 'late')",
                [as_of],
            )
            (self.expected_disrupted,) = cursor.fetchone()
        self.stdout.write(
            f"portfolio: {loans} running loans ({rescheduled} rescheduled) and {closed} closed "
            f"in {len(quarters)} quarters of {len(municipalities)} municipalities and outside "
            f"them; {instalments} instalments ({current} owed, {open_} of them open), "
            f"{payments} payments and allocations; built in "
            f"{time.perf_counter() - started:.1f} s"
        )

    def _reserve_ids(self, cursor) -> dict[str, int]:
        """A block of ids of the instalments' and of the payments' sequences, one per row of
        bench_inst (its row number rn): cheaper than a nextval() per row. The id before the
        block is returned; a payment's id is the block's start plus its instalment's rn."""
        cursor.execute("SELECT count(*) FROM bench_inst")
        (rows,) = cursor.fetchone()
        bases = {}
        for key, table in (("instalment", "credits_instalment"), ("payment", "credits_payment")):
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "nextval(pg_get_serial_sequence(%s, 'id')) + %s) - %s",
                [table, table, rows, rows + 1],
            )
            (bases[key],) = cursor.fetchone()
        return bases

    def measure_floor(self, as_of: datetime.date) -> tuple[dict, float]:
        """The floor, run three times (the first warms the caches): the fastest."""
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
            cursor.execute("SHOW jit")
            (jit,) = cursor.fetchone()
        # JIT compiles a query the planner thinks expensive; it can cost more than it saves.
        self.stdout.write(f"PostgreSQL {version.split()[0]}, jit {jit}")
        timings = []
        for _ in range(3):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(FLOOR_SQL, {"states": list(PAID_OUT_STATES), "day": as_of})
                rows = cursor.fetchall()
                timings.append(time.perf_counter() - started)
        rates = {quarter_id: (active, disrupted) for quarter_id, active, disrupted in rows}
        active = sum(a for a, _d in rates.values())
        disrupted = sum(d for _a, d in rates.values())
        self.stdout.write(
            f"floor (one SQL statement): {min(timings):.2f} s (fastest of 3) for "
            f"{len(rates)} rate rows: {disrupted} of {active} active loans disrupted "
            f"({disrupted * 100 / max(active, 1):.1f} %)"
        )
        return rates, min(timings)

    def measure_check(self, as_of: datetime.date) -> tuple[MonthlyCheck, float]:
        """Twice: timed (rolled back to a savepoint), then under tracemalloc (kept, compared
        with the floor). The memory figures: tracemalloc's peak of the Python allocations
        during the run, and the growth of the process's peak resident set (getrusage
        ru_maxrss, 0 if the run stayed below the earlier peak)."""
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sid = transaction.savepoint()
        started = time.perf_counter()
        monthly_check_run(as_of=as_of)
        took = time.perf_counter() - started
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        transaction.savepoint_rollback(sid)
        without_jit = self._check_without_jit(as_of)
        tracemalloc.start()
        try:
            check = monthly_check_run(as_of=as_of)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.stdout.write(
            f"monthly check (monthly_check_run): {took:.2f} s "
            f"(goal under {CHECK_GOAL_S:.0f} s: {_verdict(took < CHECK_GOAL_S)}); "
            f"{check.disrupted} of {check.active} active loans disrupted, "
            f"{QuarterRate.objects.filter(check_run=check).count()} rate rows"
        )
        self.stdout.write(
            f"monthly check memory: {peak / 2**20:.1f} MiB peak of Python allocations "
            f"(tracemalloc, second run), {rss_growth / 1024:.1f} MiB growth of peak RSS "
            f"(getrusage ru_maxrss, timed run; was {rss_before / 1024:.0f} MiB)"
        )
        if without_jit is not None:
            self.stdout.write(
                f"monthly check with jit off (SET LOCAL, for comparison): {without_jit:.2f} s"
            )
        return check, took

    def _check_without_jit(self, as_of: datetime.date) -> float | None:
        """The check once more with PostgreSQL's JIT off (rolled back), if it is on."""
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            if cursor.fetchone()[0] != "on":
                return None
            sid = transaction.savepoint()
            cursor.execute("SET LOCAL jit = off")
            started = time.perf_counter()
            monthly_check_run(as_of=as_of)
            took = time.perf_counter() - started
            transaction.savepoint_rollback(sid)  # also undoes the SET LOCAL
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "on"
        return took

    def compare(self, check: MonthlyCheck, floor_rates: dict) -> None:
        rates = {
            r.quarter_id: (r.active, r.disrupted)
            for r in QuarterRate.objects.filter(check_run=check)
        }
        if rates != floor_rates:
            differ = sorted(
                (
                    q
                    for q in rates.keys() | floor_rates.keys()
                    if rates.get(q) != floor_rates.get(q)
                ),
                key=lambda q: (q is None, q or 0),
            )
            raise CommandError(
                f"the check and the floor disagree in {len(differ)} quarter(s), e.g. "
                + ", ".join(
                    f"{q}: check {rates.get(q)}, floor {floor_rates.get(q)}" for q in differ[:5]
                )
            )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {LoanSnapshot._meta.db_table} s "  # noqa: S608
                "JOIN bench_loans b ON b.loan_id = s.loan_id WHERE s.check_run_id = %s",
                [check.pk],
            )
            (found,) = cursor.fetchone()
        if found != self.expected_disrupted:
            raise CommandError(
                f"the check found {found} bench loans in arrears, built were "
                f"{self.expected_disrupted}"
            )
        self.stdout.write(
            f"check and floor per quarter: agree ({len(rates)} quarters); "
            f"{found} bench loans in arrears, as built"
        )

    def measure_loop(self, as_of: datetime.date, check: MonthlyCheck, *, sample: int) -> float:
        """The naive way: every loan on its own, its instalments and allocations through the
        ORM, the arrears summed in Python. Over an even sample of the paid-out loans; the time
        per loan times their number. Its verdicts must match the check's snapshots."""
        loans = Loan.objects.filter(status__in=PAID_OUT_STATES).order_by("pk")
        total = loans.count()
        everyone = list(loans.values_list("pk", flat=True))
        ids = sorted(random.Random(15).sample(everyone, min(sample, total)))  # noqa: S311
        started = time.perf_counter()
        disrupted = set()
        for loan_id in ids:
            loan = Loan.objects.get(pk=loan_id)
            active = loan.disbursed_on <= as_of and (
                loan.closed_on is None or loan.closed_on > as_of
            )
            if not active:
                continue
            paid: dict[int, Decimal] = defaultdict(Decimal)
            for allocation in Allocation.objects.filter(loan=loan, value_date__lte=as_of):
                paid[allocation.instalment_id] += allocation.interest + allocation.principal
            for instalment in Instalment.objects.filter(
                loan=loan, is_current=True, due_on__lte=as_of
            ):
                if instalment.amount > paid[instalment.pk]:
                    disrupted.add(loan_id)
                    break
        took = time.perf_counter() - started
        extrapolated = took / len(ids) * total
        in_check = set(
            LoanSnapshot.objects.filter(check_run=check, loan_id__in=ids).values_list(
                "loan_id", flat=True
            )
        )
        if disrupted != in_check:
            raise CommandError(
                f"the loop and the check disagree on {len(disrupted ^ in_check)} of the "
                f"{len(ids)} sampled loans"
            )
        self.stdout.write(
            f"per-loan Python loop: {took:.2f} s for {len(ids)} loans "
            f"({took / len(ids) * 1000:.1f} ms per loan; {len(disrupted)} disrupted, as the "
            f"check says), extrapolated to {total} loans: {extrapolated:.0f} s"
        )
        return extrapolated

    def ratios(self, *, check_s: float, floor_s: float, loop_s: float) -> None:
        to_floor = check_s / floor_s
        faster = loop_s / check_s
        self.stdout.write(
            f"check / floor: {to_floor:.1f}x "
            f"(goal at most {FLOOR_GOAL_RATIO:.0f}x: {_verdict(to_floor <= FLOOR_GOAL_RATIO)})"
        )
        self.stdout.write(
            f"loop / check: {faster:.0f}x "
            f"(goal more than {LOOP_GOAL_RATIO:.0f}x: {_verdict(faster > LOOP_GOAL_RATIO)})"
        )
        self.stdout.write(f"check under {CHECK_GOAL_S:.0f} s: {_verdict(check_s < CHECK_GOAL_S)}")
