from pathlib import Path

import allauth
import polib
import pytest
from django.test import Client
from django.urls import reverse

from miqua.accounts.allauth_messages import ALLAUTH_MESSAGES

ALLAUTH_CATALOG = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_every_overridden_message_still_exists_in_allauth():
    msgids = {entry.msgid for entry in polib.pofile(str(ALLAUTH_CATALOG)) if not entry.obsolete}
    missing = [m for m in ALLAUTH_MESSAGES if m not in msgids]
    assert missing == [], "allauth changed these texts: update miqua/accounts/allauth_messages.py"


@pytest.mark.parametrize(
    ("url_name", "polite"),
    [("account_reset_password", "Geben Sie unten Ihre E-Mail-Adresse ein")],
)
def test_account_pages_speak_politely(db, url_name, polite):
    content = Client().get(reverse(url_name)).content.decode()
    assert polite in content
    assert "Gib deine" not in content


def test_logout_page_asks_politely(network):
    client = Client()
    client.force_login(network.advisor)
    content = client.get(reverse("account_logout")).content.decode()
    assert "Möchten Sie sich wirklich abmelden?" in content
