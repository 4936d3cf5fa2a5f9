"""The quarter pickers' options (`{% quarter_options %}`): every quarter as "Municipality –
Quarter", the picked one selected, names escaped."""

from types import SimpleNamespace

from django.template import Context, Template


def _quarter(pk: int, municipality: str, name: str) -> SimpleNamespace:
    return SimpleNamespace(pk=pk, name=name, municipality=SimpleNamespace(name=municipality))


def test_the_options_name_each_quarter_mark_the_picked_one_and_escape_the_names():
    quarters = [
        _quarter(1, "Offenbach am Main", "Nordend"),
        _quarter(2, "Duisburg", "Hochfeld <b>\"&'"),
    ]
    html = Template("{% load miqua %}{% quarter_options quarters picked %}").render(
        Context({"quarters": quarters, "picked": quarters[1]})
    )
    assert html == (
        '<option value="1">Offenbach am Main – Nordend</option>'
        '<option value="2" selected>Duisburg – Hochfeld &lt;b&gt;&quot;&amp;&#x27;</option>'
    )
    nothing_picked = Template("{% load miqua %}{% quarter_options quarters None %}").render(
        Context({"quarters": quarters})
    )
    assert "selected" not in nothing_picked
