"""A member of staff without a second factor, where one is required, is taken from the sign-in
to the setup of the authenticator app, sets it up in the real page (the QR code's key typed into
"the app", here allauth's own code computation) and gets the recovery codes, then MIQUA. A
security key is added and signs in, in Chromium's virtual authenticator."""

import re
import time

import pytest
from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from miqua.accounts.models import Role
from tests import factories

pytestmark = pytest.mark.browser


def test_staff_set_up_the_authenticator_app_before_any_page(
    transactional_db, live_server, page, settings
):
    settings.MIQUA_MFA_REQUIRED = True
    factories.UserFactory(role=Role.STAFF, email="kim@kiz.example", full_name="Kim Weber")
    # Script errors, and any file the pages ask for in vain (the scripts of the key pages).
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile("E-Mail", re.I)).fill("kim@kiz.example")
    page.get_by_label(re.compile("Passwort", re.I)).fill(factories.PASSWORD)
    page.get_by_role("button", name=re.compile("Anmelden")).click()
    # allauth asks for the password once more before any change of the factors.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label(re.compile("Passwort", re.I)).fill(factories.PASSWORD)
    page.get_by_role("button", name=re.compile("Bestätigen")).click()

    page.wait_for_url(f"{live_server.url}/accounts/2fa/totp/activate/")
    assert page.get_by_text("Ihre Rolle verlangt einen zweiten Faktor").is_visible()
    assert page.get_by_role("img", name="QR-Code für die Authenticator-App").is_visible()
    secret = page.get_by_label("Schlüssel zum Abtippen").input_value()
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    page.get_by_label(re.compile("Authentifizierungscode")).fill(
        format_hotp_value(hotp_value(secret, counter))
    )
    page.get_by_role("button", name="Aktivieren").click()

    page.wait_for_url(f"{live_server.url}/accounts/2fa/recovery-codes/")
    assert page.locator(".recovery-codes li").count() == app_settings.RECOVERY_CODE_COUNT
    page.get_by_role("link", name="Weiter zu MIQUA").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/loans/")
    assert page.url == f"{live_server.url}/loans/"
    page.goto(f"{live_server.url}/accounts/2fa/")
    assert page.get_by_text("aktiv", exact=True).is_visible()
    page.screenshot(
        path=str(settings.BASE_DIR / "test-results" / "second-factor.png"), full_page=True
    )
    assert errors == []


def test_a_security_key_is_added_and_then_signs_in(transactional_db, live_server, page):
    """Chromium's virtual authenticator stands in for the key (WebAuthn needs a secure context:
    the live server's http://localhost is one)."""
    factories.UserFactory(role=Role.ADVISOR, email="ann@miqua.example", full_name="Ann Berg")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    def sign_in() -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label(re.compile("E-Mail", re.I)).fill("ann@miqua.example")
        page.get_by_label(re.compile("Passwort", re.I)).fill(factories.PASSWORD)
        page.get_by_role("button", name=re.compile("Anmelden")).click()

    sign_in()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/2fa/webauthn/add/")
    page.get_by_label(re.compile("Passwort", re.I)).fill(factories.PASSWORD)
    page.get_by_role("button", name=re.compile("Bestätigen")).click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/webauthn/add/")
    page.get_by_role("button", name="Hinzufügen").click()
    # The first factor brings the recovery codes.
    page.wait_for_url(f"{live_server.url}/accounts/2fa/recovery-codes/")
    page.goto(f"{live_server.url}/accounts/2fa/")
    assert page.get_by_text("1 Sicherheitsschlüssel hinzugefügt.").is_visible()

    page.get_by_role("button", name="Abmelden").click()
    sign_in()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.get_by_role("button", name="Sicherheitsschlüssel verwenden").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator(".user-menu .name").inner_text() == "Ann Berg"
