"""Every message a user can meet in German speaks politely (Sie), as the rest of MIQUA does.

Django's German is neutral, but an installed app's catalogue wins over Django's, and Django
REST framework's answers some of Django's msgids with "du" ("Gib eine gültige E-Mail Adresse
an."); allauth's German says "du" throughout. So the check is systematic: every msgid of the
catalogues whose messages the app can show (Django's forms, validators, models and admin,
allauth's account pages and mails, our own) is translated the way Django would translate it
at run time, and none may come out familiar.
"""

import re
from pathlib import Path

import allauth
import django
import polib
import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from miqua.accounts.allauth_messages import ALLAUTH_MESSAGES
from miqua.framework_messages import DJANGO_MESSAGES

# Words and forms that only the familiar address uses.
INFORMAL = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|gib|wähle|lade|stelle sicher"
    r"|versuche es|bestätige|klick|klicke|hast|bist|kannst|musst|erhältst|möchtest|willst"
    r"|solltest|überprüfe|erstelle)\b",
    re.IGNORECASE,
)

DJANGO_DIR = Path(django.__file__).parent
ALLAUTH_DIR = Path(allauth.__file__).parent
OUR_DIR = Path(__file__).resolve().parent.parent / "miqua" / "locale"

# allauth's parts that MIQUA installs (allauth.account, allauth.mfa); the social, IdP and
# headless parts are not installed, so their messages cannot be shown. The MFA pages are our own
# templates (templates/mfa/): of allauth's, only its messages and the WebAuthn scripts' note show.
ALLAUTH_PARTS = (
    "account/",
    "core/",
    "mfa/",
    "templates/account/",
    "templates/allauth/",
    "templates/mfa/messages/",
    "templates/mfa/webauthn/snippets/",
)


def _catalogue(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete and entry.msgid]


def _shown(entry: polib.POEntry) -> list[str]:
    """What Django shows in German for this msgid, with every catalogue of the app in place."""
    with translation.override("de"):
        if entry.msgid_plural:
            return [
                translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                if entry.msgctxt
                else translation.ngettext(entry.msgid, entry.msgid_plural, n)
                for n in (1, 2)
            ]
        if entry.msgctxt:
            return [translation.pgettext(entry.msgctxt, entry.msgid)]
        return [translation.gettext(entry.msgid)]


def _familiar(entries: list[polib.POEntry]) -> list[str]:
    return [
        f"{entry.msgid[:70]!r} -> {text[:70]!r}"
        for entry in entries
        for text in _shown(entry)
        if INFORMAL.search(text)
    ]


DJANGO_CATALOGUES = [
    DJANGO_DIR / "conf" / "locale" / "de" / "LC_MESSAGES" / "django.po",
    *sorted((DJANGO_DIR / "contrib").glob("*/locale/de/LC_MESSAGES/django.po")),
]


@pytest.mark.parametrize(
    "path", DJANGO_CATALOGUES, ids=lambda p: str(p.relative_to(DJANGO_DIR).parent.parent.parent)
)
def test_djangos_messages_are_shown_politely(path):
    assert _familiar(_catalogue(path)) == []


def test_allauths_account_messages_are_shown_politely():
    entries = [
        entry
        for entry in _catalogue(ALLAUTH_DIR / "locale" / "de" / "LC_MESSAGES" / "django.po")
        if any(where.startswith(ALLAUTH_PARTS) for where, _line in entry.occurrences)
    ]
    assert len(entries) > 100
    assert _familiar(entries) == []


def test_our_own_german_is_polite():
    assert _familiar(_catalogue(OUR_DIR / "de" / "LC_MESSAGES" / "django.po")) == []


def test_the_overridden_django_messages_still_exist_in_djangos_catalogue():
    msgids = {entry.msgid for entry in _catalogue(DJANGO_CATALOGUES[0])}
    assert [m for m in DJANGO_MESSAGES if m not in msgids] == []


def test_the_check_would_catch_the_familiar_form():
    assert INFORMAL.search("Gib eine gültige E-Mail Adresse an.")
    assert INFORMAL.search("Bitte versuche es später erneut.")
    assert not INFORMAL.search("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
    assert not INFORMAL.search("Zu viele Anmeldeversuche. Stellen Sie sicher, dass Sie dürfen.")


# --- rendered where a user meets them ---------------------------------------------------------


class _Fields(forms.Form):
    email = forms.EmailField()
    website = forms.URLField(assume_scheme="https")
    name = forms.CharField(max_length=5)
    count = forms.IntegerField(min_value=1)
    day = forms.DateField()
    choice = forms.ChoiceField(choices=[("a", "A")])


def test_form_field_messages_render_politely_in_german():
    with translation.override("de"):
        form = _Fields(
            data={
                "email": "kein-at",
                "website": "nicht eine url",
                "name": "viel zu lang",
                "count": "0",
                "day": "31.02.1980",
                "choice": "z",
            }
        )
        assert not form.is_valid()
        messages = [str(m) for errors in form.errors.values() for m in errors]
    assert len(messages) == 6
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in messages
    for message in messages:
        assert not INFORMAL.search(message), message


def test_the_email_field_of_an_application_speaks_politely(network):
    client = Client()
    client.force_login(network.advisor)

    response = client.post(
        reverse("application_create"),
        {"first_name": "Ayşe", "last_name": "Öztürk", "date_of_birth": "1978-04-02", "email": "x"},
    )

    content = response.content.decode()
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in content
    assert "Gib eine" not in content


def test_every_listed_allauth_message_is_translated_politely():
    with translation.override("de"):
        for msgid in ALLAUTH_MESSAGES:
            german = translation.gettext(msgid)
            assert german != msgid, msgid
            assert not INFORMAL.search(german), german
