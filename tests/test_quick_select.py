"""QuickSelect writes the same select as Django's own widget, only faster: the same options,
the same one selected, everything escaped."""

import pytest
from django import forms
from django.test.html import parse_html

from miqua.forms import QuickSelect

CHOICES = [
    ("", "Alle Quartiere"),
    ("1", "Marxloh & <Hamborn>"),
    ("Offenbach", [("2", "Östliche Innenstadt"), ("3", 'Nordend "alt"')]),
    (4, "vier"),
    (None, "nichts"),
]


@pytest.mark.parametrize("value", ["", "1", "3", 4, None, "99", "<script>"])
def test_quick_select_writes_what_djangos_select_writes(value):
    attrs = {"id": "id_quarter", "required": True}
    stock = forms.Select(choices=CHOICES).render("quarter", value, attrs)
    quick = QuickSelect(choices=CHOICES).render("quarter", value, attrs)
    assert parse_html(quick) == parse_html(stock)
    assert "<Hamborn>" not in quick and "<script>" not in quick


def test_quick_select_selects_one_option_only():
    html = QuickSelect(choices=[("1", "a"), ("1", "b")]).render("q", "1")
    assert html.count(" selected") == 1
