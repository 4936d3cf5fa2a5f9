import gettext
import os
from io import StringIO

from django.core.management import call_command

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Liability fund"
msgstr "Haftungsfonds"

msgid "one quarter"
msgid_plural "%(n)s quarters"
msgstr[0] "ein Quartier"
msgstr[1] "%(n)s Quartiere"

#, fuzzy
msgid "Committee"
msgstr "Vergabeausschuss"
"""


def _write_po(tmp_path):
    messages = tmp_path / "locale" / "de" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = messages / "django.po"
    po.write_text(PO, encoding="utf-8")
    return po


def _run() -> str:
    out = StringIO()
    call_command("compiletranslations", stdout=out)
    return out.getvalue()


def test_compiles_po_into_a_working_mo(settings, tmp_path):
    po = _write_po(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]

    output = _run()

    mo = po.with_suffix(".mo")
    assert mo.exists()
    assert "Compiled" in output
    with mo.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    assert translations.gettext("Liability fund") == "Haftungsfonds"
    assert translations.ngettext("one quarter", "%(n)s quarters", 1) == "ein Quartier"
    assert translations.ngettext("one quarter", "%(n)s quarters", 3) == "%(n)s Quartiere"
    # Like msgfmt, fuzzy entries stay untranslated.
    assert translations.gettext("Committee") == "Committee"


def test_skips_an_up_to_date_mo_and_recompiles_a_changed_po(settings, tmp_path):
    po = _write_po(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    _run()
    mo = po.with_suffix(".mo")
    compiled_at = mo.stat().st_mtime_ns

    _run()
    assert mo.stat().st_mtime_ns == compiled_at

    po.write_text(PO.replace("Haftungsfonds", "Lokaler Haftungsfonds"), encoding="utf-8")
    newer = compiled_at + 1_000_000_000
    os.utime(po, ns=(newer, newer))
    _run()
    with mo.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    assert translations.gettext("Liability fund") == "Lokaler Haftungsfonds"
