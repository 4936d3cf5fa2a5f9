"""The periods of the erasure: a day some months later, and the latest day a record may have
ended on to be due on a given day, month ends and leap days included."""

import datetime

import pytest

from miqua.personal_data import add_months, latest_ended_on


@pytest.mark.parametrize(
    ("day", "months", "later"),
    [
        (datetime.date(2025, 1, 15), 6, datetime.date(2025, 7, 15)),
        (datetime.date(2025, 8, 31), 6, datetime.date(2026, 2, 28)),
        (datetime.date(2012, 2, 29), 120, datetime.date(2022, 2, 28)),
        (datetime.date(2015, 2, 28), 12, datetime.date(2016, 2, 28)),
        (datetime.date(2025, 11, 30), 3, datetime.date(2026, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, later):
    assert add_months(day, months) == later


@pytest.mark.parametrize("months", [1, 6, 12, 120])
def test_latest_ended_on_is_the_last_day_due_by_then(months):
    """For every day of four years: the answer is due (its period is over), the day after it
    is not, whatever the month's length."""
    today = datetime.date(2026, 1, 1)
    while today < datetime.date(2030, 1, 1):
        latest = latest_ended_on(today, months)
        assert add_months(latest, months) <= today
        assert add_months(latest + datetime.timedelta(days=1), months) > today
        today += datetime.timedelta(days=1)
