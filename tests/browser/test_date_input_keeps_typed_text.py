"""The browser shows an impossible date exactly as it was typed, next to its error message."""

import pytest

from tests.test_date_input import _input

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("typed", ["31.02.1980", "1980-02-31"])
def test_the_browser_shows_the_impossible_date_that_was_typed(page, typed):
    """Chromium empties <input type=date value="31.02.1980">; the field must not rely on it."""
    page.set_content(f"<!doctype html><form>{_input({'day': typed})}</form>")

    assert page.input_value("input[name=day]") == typed
