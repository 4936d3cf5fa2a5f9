"""German is the default language: its catalogue must be complete, keep every placeholder and
compile into a catalogue that Django actually uses."""

import gettext
import re
from io import StringIO
from pathlib import Path

import polib
import pytest
from asgiref.local import Local
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real

LOCALE_DIR = Path(settings.BASE_DIR) / "miqua" / "locale"
GERMAN_PO = LOCALE_DIR / "de" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %d, %.2f ... but not a literal "%%".
PYTHON_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
TEMPLATE_PLACEHOLDER = re.compile(r"\{\{\s*[^}]+?\s*\}\}")

# The words the German pages are built on, and one browser test clicks "Anmelden".
KEY_STRINGS = {
    "Sign in": "Anmelden",
    "Sign out": "Abmelden",
    "Lending capacity": "Kreditrahmen",
    "Paid-in liability capital": "Eingezahltes Haftungskapital",
    "Leverage factor": "Hebelfaktor",
    "Overview": "Übersicht",
    "Administration": "Verwaltung",
    "History": "Verlauf",
}


def _placeholders(text: str, python_format: bool) -> list[str]:
    found = TEMPLATE_PLACEHOLDER.findall(text)
    if python_format:
        found += PYTHON_PLACEHOLDER.findall(text.replace("%%", ""))
    return sorted(re.sub(r"\s+", "", p) for p in found)


def _german_entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(GERMAN_PO)) if not entry.obsolete]


def _entry_id(entry: polib.POEntry) -> str:
    return entry.msgid[:60]


def test_german_catalogue_has_entries():
    assert len(_german_entries()) > 100


def test_every_german_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(GERMAN_PO))
    untranslated = [_entry_id(entry) for entry in catalogue.untranslated_entries()]
    fuzzy = [_entry_id(entry) for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata.get("Plural-Forms", "").startswith("nplurals=2;")


@pytest.mark.parametrize("entry", _german_entries(), ids=_entry_id)
def test_german_translation_keeps_the_placeholders(entry):
    python_format = "python-format" in entry.flags
    if entry.msgid_plural:
        singular = set(_placeholders(entry.msgid, python_format))
        plural = set(_placeholders(entry.msgid_plural, python_format))
        forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
        assert all(forms), "a plural form is empty"
        for form in forms:
            # Every form may only use what the source offers ...
            assert set(_placeholders(form, python_format)) <= singular | plural, form
        # ... and the plural form must show what the English plural shows.
        assert plural <= set(_placeholders(forms[-1], python_format)), forms[-1]
    else:
        assert _placeholders(entry.msgstr, python_format) == _placeholders(
            entry.msgid, python_format
        ), entry.msgstr


@pytest.fixture
def fresh_django_catalogues(monkeypatch):
    """Django caches each language's catalogue per process, and Python's gettext caches every
    .mo it has read: start from empty caches so the freshly compiled .mo is read, and put the
    old caches back afterwards."""
    monkeypatch.setattr(gettext, "_translations", {})
    monkeypatch.setattr(trans_real, "_translations", {})
    monkeypatch.setattr(trans_real, "_default", None)
    monkeypatch.setattr(trans_real, "_active", Local())


def test_compiled_german_catalogue_translates_the_key_strings(fresh_django_catalogues):
    call_command("compiletranslations", stdout=StringIO())

    mo = GERMAN_PO.with_suffix(".mo")
    assert mo.exists()
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for source, german in KEY_STRINGS.items():
        assert compiled.gettext(source) == german

    with translation.override("de"):
        for source, german in KEY_STRINGS.items():
            assert translation.gettext(source) == german
        assert (
            translation.ngettext("%(counter)s quarter", "%(counter)s quarters", 1)
            == "%(counter)s Quartier"
        )
        assert (
            translation.ngettext("%(counter)s quarter", "%(counter)s quarters", 3)
            == "%(counter)s Quartiere"
        )
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"
        assert translation.gettext("Lending capacity") == "Lending capacity"
