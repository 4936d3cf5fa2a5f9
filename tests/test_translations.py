"""German is the default language: its catalogue must be complete, keep every placeholder and
compile into a catalogue that Django actually uses. Every other catalogue keeps the
placeholders of whatever it translates."""

import gettext
import re
from collections import Counter
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
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))

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


def _placeholders(text: str, python_format: bool) -> Counter[str]:
    found = TEMPLATE_PLACEHOLDER.findall(text)
    if python_format:
        found += PYTHON_PLACEHOLDER.findall(text.replace("%%", ""))
    return Counter(re.sub(r"\s+", "", p) for p in found)


def _listed(placeholders: Counter[str]) -> str:
    return " ".join(sorted(placeholders.elements()))


def _entry_problems(entry: polib.POEntry) -> list[str]:
    """What is wrong with the placeholders of one entry, in words (empty: nothing).

    An empty translation is not checked here: gettext then shows the source itself, and whether
    a catalogue must be complete is a rule of its own."""
    python_format = "python-format" in entry.flags
    source = _placeholders(entry.msgid, python_format)
    if not entry.msgid_plural:
        if not entry.msgstr:
            return []
        translated = _placeholders(entry.msgstr, python_format)
        missing, extra = source - translated, translated - source
        problems = [f"missing {_listed(missing)}"] if missing else []
        return problems + ([f"unknown {_listed(extra)}"] if extra else [])
    plural = _placeholders(entry.msgid_plural, python_format)
    problems = []
    forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    for index, form in enumerate(forms):
        # Every form may only use what the source offers (a singular may leave out the count) ...
        extra = set(_placeholders(form, python_format)) - set(source | plural)
        if form and extra:
            problems.append(f"msgstr[{index}] unknown {' '.join(sorted(extra))}")
    # ... and the last (plural) form must show what the English plural shows.
    if forms and forms[-1]:
        missing = set(plural) - set(_placeholders(forms[-1], python_format))
        if missing:
            problems.append(f"msgstr[{len(forms) - 1}] missing {' '.join(sorted(missing))}")
    return problems


def placeholder_mismatches(po_path: Path) -> list[str]:
    """One readable line per entry of the catalogue whose translation changes the placeholders."""
    report = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        problems = _entry_problems(entry)
        if problems:
            if entry.msgid_plural:
                msgstr = " | ".join(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            else:
                msgstr = entry.msgstr
            report.append(
                f"{po_path.relative_to(po_path.parents[2])}:{entry.linenum}: msgid {entry.msgid!r} "
                f"msgstr {msgstr!r}: {'; '.join(problems)}"
            )
    return report


def _german_entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(GERMAN_PO)) if not entry.obsolete]


def _entry_id(entry: polib.POEntry) -> str:
    return entry.msgid[:60]


def test_german_catalogue_has_entries():
    assert len(_german_entries()) > 100


def test_every_german_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(GERMAN_PO))
    # An entry with one empty plural form counts as untranslated too.
    untranslated = [_entry_id(entry) for entry in catalogue.untranslated_entries()]
    fuzzy = [_entry_id(entry) for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata.get("Plural-Forms", "").startswith("nplurals=2;")


def test_every_translation_keeps_the_placeholders():
    assert GERMAN_PO in CATALOGUES
    mismatches = [line for po in CATALOGUES for line in placeholder_mismatches(po)]
    assert not mismatches, "translations that change the placeholders:\n" + "\n".join(mismatches)


CRAFTED_PO = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#, python-format
msgid "%(amount)s for %(name)s"
msgstr "%(amount)s für %(name)s"

#, python-format
msgid "Loan of %(amount)s"
msgstr "Kredit über %(betrag)s"

#, python-format
msgid "Only %(share)s%% covered"
msgstr "Nur %(share)s%% gedeckt"

msgid "Hello {{ name }}"
msgstr "Hallo {{name}}"

msgid "Bye {{ name }}"
msgstr "Tschüss"

#, python-format
msgid "Untranslated %(name)s"
msgstr ""

#, python-format
msgid "%(counter)s quarter"
msgid_plural "%(counter)s quarters"
msgstr[0] "ein Quartier"
msgstr[1] "%(counter)s Quartiere"

#, python-format
msgid "%(counter)s guarantor"
msgid_plural "%(counter)s guarantors"
msgstr[0] "%(counter)s Bürge von %(name)s"
msgstr[1] "Bürgen"
"""


def test_the_placeholder_check_reports_every_offending_entry(tmp_path):
    """The check above passes on the real catalogues; here it must catch crafted mistakes."""
    po = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(CRAFTED_PO, encoding="utf-8")

    report = placeholder_mismatches(po)

    assert report == [
        "de/LC_MESSAGES/django.po:11: msgid 'Loan of %(amount)s' msgstr 'Kredit über %(betrag)s':"
        " missing %(amount)s; unknown %(betrag)s",
        "de/LC_MESSAGES/django.po:22: msgid 'Bye {{ name }}' msgstr 'Tschüss': missing {{name}}",
        "de/LC_MESSAGES/django.po:35: msgid '%(counter)s guarantor'"
        " msgstr '%(counter)s Bürge von %(name)s | Bürgen':"
        " msgstr[0] unknown %(name)s; msgstr[1] missing %(counter)s",
    ]


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


# makemessages finds a string only under the names xgettext knows (`_`, `gettext`,
# `gettext_lazy`, `ngettext`, ...): `gettext_lazy as _lazy` hid five messages of the date and
# birth date fields from the catalogue, and German pages showed them in English.
ALIAS = re.compile(r"from django\.utils\.translation import .*\b(\w*gettext\w*) as (\w+)")
KNOWN_ALIASES = {"_"}


def test_no_translation_function_hides_behind_an_alias():
    project = Path(settings.BASE_DIR)
    hidden = [
        f"{path.relative_to(project)}: {match.group(1)} as {match.group(2)}"
        for path in project.glob("**/*.py")
        if not {".venv", "tests", "node_modules"} & set(path.relative_to(project).parts)
        for match in ALIAS.finditer(path.read_text(encoding="utf-8"))
        if match.group(2) not in KNOWN_ALIASES
    ]
    assert hidden == []
