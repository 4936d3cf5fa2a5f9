"""A date that cannot be read is shown again exactly as typed, next to the message: the browser
must not empty the box, as it does for a date input whose value is no ISO date."""

import datetime

import pytest
from django import forms
from django.utils.translation import override

from miqua.forms import DateField


class _Form(forms.Form):
    day = DateField(earliest=datetime.date(1900, 1, 1), latest=datetime.date(2030, 12, 31))


def _input(data: dict[str, str] | None = None, initial: dict | None = None) -> str:
    form = _Form(data=data, initial=initial)
    if data is not None:
        form.is_valid()
    return str(form["day"])


def test_an_impossible_date_is_shown_as_typed_in_a_text_box():
    html = _input({"day": "31.02.1980"})
    assert 'value="31.02.1980"' in html
    assert 'type="text"' in html
    assert 'type="date"' not in html


def test_an_impossible_iso_date_is_shown_as_typed_in_a_text_box():
    html = _input({"day": "1980-02-31"})
    assert 'value="1980-02-31"' in html
    assert 'type="text"' in html


def test_garbage_is_shown_as_typed_too():
    html = _input({"day": "next tuesday"})
    assert 'value="next tuesday"' in html
    assert 'type="text"' in html


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_readable_typed_date_goes_back_to_the_picker_as_an_iso_date(language):
    with override(language):
        html = _input({"day": "15.02.1980"})
    assert 'value="1980-02-15"' in html
    assert 'type="date"' in html


def test_a_date_out_of_range_stays_in_the_picker_with_its_value():
    html = _input({"day": "9999-12-31"})
    assert 'value="9999-12-31"' in html
    assert 'type="date"' in html


def test_an_unbound_or_initial_date_uses_the_picker():
    assert 'type="date"' in _input()
    html = _input(initial={"day": datetime.date(2012, 9, 14)})
    assert 'type="date"' in html
    assert 'value="2012-09-14"' in html
