"""Users are in Germany whatever language they read: dates day-first, times on the 24-hour clock,
in English as in German; typed dates are read day-first in both."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import override

BIRTHDAY = datetime.date(1980, 2, 15)
EVENING = timezone.make_aware(datetime.datetime(2026, 3, 12, 18, 0))


@pytest.mark.parametrize(
    ("fmt", "german", "english"),
    [
        ("SHORT_DATE_FORMAT", "15.02.1980", "15.02.1980"),
        ("DATE_FORMAT", "15. Februar 1980", "15 February 1980"),
        ("YEAR_MONTH_FORMAT", "Februar 1980", "February 1980"),
    ],
)
def test_dates_are_shown_day_first_in_both_languages(fmt, german, english):
    with override("de"):
        assert formats.date_format(BIRTHDAY, fmt) == german
    with override("en"):
        assert formats.date_format(BIRTHDAY, fmt) == english


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("SHORT_DATETIME_FORMAT", "12.03.2026 18:00"),
        ("DATETIME_FORMAT", "12 March 2026, 18:00"),
        ("TIME_FORMAT", "18:00"),
    ],
)
def test_english_times_use_the_24_hour_clock(fmt, expected):
    template = Template("{{ moment|date:fmt }}")
    with override("en"), timezone.override("Europe/Berlin"):
        rendered = template.render(Context({"moment": EVENING, "fmt": fmt}))
    assert rendered == expected
    assert "p.m." not in rendered


def test_the_time_filter_shows_18_00_not_6_pm():
    with override("en"):
        assert Template("{{ t|time }}").render(Context({"t": datetime.time(18, 0)})) == "18:00"


class _DateForm(forms.Form):
    day = forms.DateField()


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("typed", ["15.02.1980", "15.02.80", "1980-02-15"])
def test_typed_dates_are_read_day_first_in_both_languages(language, typed):
    with override(language):
        form = _DateForm(data={"day": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == BIRTHDAY


@pytest.mark.parametrize("typed", ["02/15/1980", "02/03/1980", "2/3/80"])
def test_an_american_date_is_refused_in_english_not_read_month_first(typed):
    with override("en"):
        form = _DateForm(data={"day": typed})
        assert not form.is_valid()


def test_the_week_starts_on_monday_in_english_too():
    with override("en"):
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_english_numbers_stay_english():
    with override("en"):
        assert formats.get_format("DECIMAL_SEPARATOR") == "."
        assert formats.get_format("THOUSAND_SEPARATOR") == ","


def test_an_english_page_shows_the_date_of_birth_day_first(network):
    network.advisor.language = "en"
    network.advisor.save(update_fields=["language"])
    client = Client()
    client.force_login(network.advisor)

    response = client.get(reverse("application_detail", args=[network.own_application.pk]))

    born = network.own_application.borrower.date_of_birth
    content = response.content.decode()
    assert born.strftime("%d.%m.%Y") in content
    assert born.strftime("%m/%d/%Y") not in content
