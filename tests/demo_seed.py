"""The demo network without most of the brochure's loan history.

`seed_demo` with the whole history of 2009-2012 (152 loans repaid month by month from bank
statements, and the monthly checks of every 15th since) takes about half a minute on
PostgreSQL. The history is checked on its own (tests/demo/test_loan_history.py, the dashboards'
demo tests); tests that need the demo's people, applications, ballots and today's loans seed
it with a short history: Nuray Aksoy's first loan (a repeat borrower's), the three defaults,
and the present loans paid out in the last half year; and the monthly checks of the last half
year only (every 15th since 2009 would be two hundred checks).

A module of tests that only read the demo can share one seed (`seeded_once`): seeded and
committed before its first test, each test in its own transaction on top (rolled back as
always), the seed's rows removed after its last test.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test.utils import override_settings

from miqua.demo import builders, loan_history
from monitoring import services as monitoring_services


def shorten_history(monkeypatch: pytest.MonkeyPatch) -> None:
    short = tuple(
        loan
        for loan in loan_history.history()
        if loan.person.last_name == "Aksoy" or loan.behaviour.default_on is not None
    )
    monkeypatch.setattr(builders, "history", lambda: short)
    monkeypatch.setattr(
        builders,
        "present_loans",
        lambda today: tuple(
            loan
            for loan in loan_history.present_loans(today)
            if loan.disbursed_on > today - timedelta(days=190)
        ),
    )
    catch_up = monitoring_services.monthly_checks_catch_up
    monkeypatch.setattr(
        builders.monitoring_services,
        "monthly_checks_catch_up",
        lambda *, today, **kwargs: catch_up(
            today=today, **{"start": today - timedelta(days=190), **kwargs}
        ),
    )


def seed_short_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    shorten_history(monkeypatch)
    call_command("seed_demo", verbosity=0)


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            # The database's own table names, quoted.
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts


@contextmanager
def _as_in_a_test() -> Iterator[None]:
    """What the autouse fixtures of tests/conftest.py give every test, for a seed made outside
    one: the fast password hasher (the tests log in with it) and tasks run in-process (with
    REDIS_URL a ballot's mail task would otherwise wait in the real broker's queue)."""
    from miqua.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            yield
    finally:
        app.conf.task_always_eager = eager


@contextmanager
def seeded_once(django_db_blocker, *, short: bool = True) -> Iterator[str]:
    """`seed_demo` run once and committed, for a module-scoped fixture; yields what it printed.

    On the way out, every table that was empty before the seed is emptied again, its sequence
    reset (what a rolled-back test leaves), so the next module finds the database as before.
    The rows the migrations and post_migrate made (content types, permissions) are in tables
    the seed does not write to, and stay; if it ever writes to one, this fails rather than
    leave its rows behind."""
    with django_db_blocker.unblock():
        before = _row_counts()
    try:
        with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp, _as_in_a_test():
            if short:
                shorten_history(mp)
            out = StringIO()
            call_command("seed_demo", stdout=out)
        yield out.getvalue()
    finally:
        with django_db_blocker.unblock():
            emptied = [table for table, count in before.items() if count == 0]
            connection.ops.execute_sql_flush(
                connection.ops.sql_flush(no_style(), emptied, reset_sequences=True)
            )
            after = _row_counts()
        assert after == before, {t: (before[t], n) for t, n in after.items() if n != before[t]}
