"""The demo network without most of the brochure's loan history.

`seed_demo` with the whole history of 2009-2012 (152 loans repaid month by month from bank
statements, and the monthly checks of every 15th since) takes about half a minute on
PostgreSQL. The history is checked on its own (tests/demo/test_loan_history.py, the dashboards'
demo tests); tests that need the demo's people, applications, ballots and today's loans seed
it with a short history: Nuray Aksoy's first loan (a repeat borrower's), the three defaults,
and the present loans paid out in the last half year; and the monthly checks of the last half
year only (every 15th since 2009 would be two hundred checks).
"""

from datetime import timedelta

import pytest
from django.core.management import call_command

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
