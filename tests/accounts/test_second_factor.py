"""The second factor (allauth's MFA): signing in with an authenticator app's code or a recovery
code, and staff and administrators taken to set one up before any other page where
MIQUA_MFA_REQUIRED is on, while advisors (and the demo's logins) are not."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client
from django.urls import reverse
from django.utils import translation

from miqua.audit.models import AuditEntry
from tests.factories import PASSWORD
from tests.test_settings import PRODUCTION_ENV, _run

SETUP = reverse("mfa_activate_totp")


def totp_code(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now for `secret` (allauth's own computation)."""
    from allauth.mfa import app_settings

    counter = int(time.time()) // app_settings.TOTP_PERIOD + steps_ahead
    return format_hotp_value(hotp_value(secret, counter))


def sign_in(client: Client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def open_setup(client: Client):
    """The setup page; allauth first asks for the password again (any change of the factors
    does), then comes back to it."""
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == SETUP
    return client.get(SETUP)


def with_authenticator_app(user) -> tuple[str, list[str]]:
    """Give `user` an authenticator app and recovery codes, as the setup page would."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).generate_codes()
    return secret, codes


@pytest.fixture
def required(settings):
    settings.MIQUA_MFA_REQUIRED = True


# --- Signing in with a second factor ----------------------------------------------------------


def test_a_user_with_an_authenticator_app_signs_in_with_its_code(network):
    secret, _codes = with_authenticator_app(network.staff)
    client = Client()

    response = sign_in(client, network.staff.email)

    # The password alone opens nothing: the second step asks for the code.
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("mfa_authenticate"), HTTP_ACCEPT_LANGUAGE="de")
    assert "Zweiter Faktor" in page.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(network.staff.pk)
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused(network):
    secret, _codes = with_authenticator_app(network.advisor)
    client = Client()
    sign_in(client, network.advisor.email)
    wrong = totp_code(secret, steps_ahead=5)

    with translation.override("de"):
        response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Falscher Code" in response.content.decode()


def test_a_recovery_code_signs_in_once(network):
    _secret, codes = with_authenticator_app(network.staff)
    client = Client()
    sign_in(client, network.staff.email)

    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(network.staff.pk)

    again = Client()
    sign_in(again, network.staff.email)
    response = again.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in again.session
    # Another unused one still works.
    response = again.post(reverse("mfa_authenticate"), {"code": codes[1]})
    assert again.session["_auth_user_id"] == str(network.staff.pk)


# --- Required for staff and administrators ------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "administrator"])
def test_staff_without_a_factor_are_taken_to_set_one_up_before_any_page(network, required, role):
    user = network.users_by_role()[role]
    client = Client()

    response = sign_in(client, user.email)
    assert client.session["_auth_user_id"] == str(user.pk)

    for path in (response["Location"], "/", "/loans/", "/applications/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == SETUP, path
    page = open_setup(client)
    assert page.status_code == 200
    assert "Ihre Rolle verlangt einen zweiten Faktor" in page.content.decode()
    # The overview of the factors, the language and signing out stay open.
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("language_set"), {"language": "de", "next": "/"}).status_code == 302
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_after_the_setup_every_page_opens(
    network, required, unscoped, django_capture_on_commit_callbacks
):
    client = Client()
    sign_in(client, network.staff.email)
    open_setup(client)  # the page makes the secret the code must match
    secret = client.session["mfa.totp.secret"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SETUP, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(response["Location"])
    assert codes.status_code == 200
    assert Authenticator.objects.filter(user=network.staff).count() == 2  # app and codes
    assert client.get("/").status_code == 200
    assert client.get("/loans/").status_code == 200
    # Who set up what, in the audit trail (never the secret).
    entries = AuditEntry.objects.filter(
        action="user.second_factor_added", object_id=network.staff.pk
    )
    assert sorted(e.changes["factor"] for e in entries) == ["recovery_codes", "totp"]
    assert all(secret not in str(e.changes) for e in entries)


@pytest.mark.parametrize("role", ["advisor", "committee_member", "municipality_viewer"])
def test_other_roles_are_not_forced(network, required, role):
    user = network.users_by_role()[role]
    client = Client()
    sign_in(client, user.email)

    assert client.get("/").status_code == 200
    # They may set one up all the same.
    assert client.get(reverse("mfa_index")).status_code == 200


def test_the_demo_users_are_exempt(network, required):
    network.staff.mfa_exempt = True
    network.staff.save()
    client = Client()
    sign_in(client, network.staff.email)

    assert client.get("/loans/").status_code == 200


def test_the_load_benchmarks_users_sign_in_with_the_password_alone(db, required, unscoped):
    from miqua.management.commands.seed_national import STAFF_EMAIL, Command

    Command()._users("miqua-load-test")
    client = Client()
    client.post(
        reverse("account_login"), {"login": STAFF_EMAIL.format(0), "password": "miqua-load-test"}
    )

    assert client.get("/loans/").status_code == 200


def test_switched_off_staff_need_no_second_factor(network, settings):
    settings.MIQUA_MFA_REQUIRED = False
    client = Client()
    sign_in(client, network.staff.email)

    assert client.get("/loans/").status_code == 200


def test_a_removed_factor_takes_effect_at_the_next_page(network, required):
    with_authenticator_app(network.staff)
    client = Client()
    client.force_login(network.staff)
    assert client.get("/").status_code == 200

    Authenticator.objects.filter(user=network.staff).delete()

    assert client.get("/")["Location"] == SETUP


def test_the_api_answers_403_in_its_own_format(network, required):
    client = Client()
    client.force_login(network.staff)

    response = client.get("/api/v1/loans/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 403
    assert SETUP in response.json()["detail"]


def test_an_htmx_request_reloads_the_whole_page_on_the_setup(network, required):
    client = Client()
    client.force_login(network.staff)

    response = client.get("/applications/", HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == SETUP


def test_the_setting_is_on_in_production_and_switchable_by_environment():
    show = "import django; django.setup(); from django.conf import settings as s; "
    show += "print(s.MIQUA_MFA_REQUIRED)"
    assert _run(show, PRODUCTION_ENV).strip() == "True"
    assert _run(show, {**PRODUCTION_ENV, "MIQUA_MFA_REQUIRED": "false"}).strip() == "False"
    # The embedded default (DEBUG on, the demo) asks for none.
    assert _run(show, {}).strip() == "False"


# --- The settings page -----------------------------------------------------------------------


def test_the_settings_page_is_linked_from_the_user_menu(network):
    client = Client()
    client.force_login(network.advisor)

    home = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    page = client.get("/accounts/2fa/").content.decode()

    assert 'href="/accounts/2fa/"' in home
    assert "Zwei-Faktor-Anmeldung" in page
    assert reverse("mfa_activate_totp") in page


def test_the_admin_shows_no_secret_and_removes_a_lost_factor(network, unscoped):
    secret, _codes = with_authenticator_app(network.staff)
    totp = Authenticator.objects.get(user=network.staff, type=Authenticator.Type.TOTP)
    client = Client()
    client.force_login(network.administrator)

    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    assert page.status_code == 200
    assert secret not in page.content.decode()

    response = client.post(
        reverse("admin:mfa_authenticator_delete", args=[totp.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    # With the last factor, the recovery codes go too.
    assert not Authenticator.objects.filter(user=network.staff).exists()
    removed = AuditEntry.objects.filter(action="user.second_factor_removed")
    assert {e.changes["factor"] for e in removed} == {"totp", "recovery_codes"}
    assert {e.actor_id for e in removed} == {network.administrator.pk}


def test_a_security_key_is_its_owners_alone(network):
    own = Authenticator.objects.create(
        user=network.staff, type=Authenticator.Type.WEBAUTHN, data={"name": "Mein Schlüssel"}
    )
    others = Authenticator.objects.create(
        user=network.administrator, type=Authenticator.Type.WEBAUTHN, data={"name": "Fremd"}
    )
    client = Client()
    client.force_login(network.staff)
    edit = reverse("mfa_edit_webauthn", kwargs={"pk": own.pk})
    confirm = client.get(edit)["Location"]
    client.post(confirm, {"password": PASSWORD})  # the password once more, as for any change

    assert client.get(edit).status_code == 200
    for name in ("mfa_edit_webauthn", "mfa_remove_webauthn"):
        assert client.get(reverse(name, kwargs={"pk": others.pk})).status_code == 404
        assert (
            client.post(reverse(name, kwargs={"pk": others.pk}), {"name": "x"}).status_code == 404
        )
    assert Authenticator.objects.get(pk=others.pk).data["name"] == "Fremd"


def test_with_a_factor_a_change_is_confirmed_with_a_code(network):
    secret, _codes = with_authenticator_app(network.advisor)
    client = Client()
    client.force_login(network.advisor)

    confirm = client.get(reverse("mfa_generate_recovery_codes"))["Location"]
    page = client.get(reverse("mfa_reauthenticate") + "?next=/accounts/2fa/recovery-codes/")
    assert "Bestätigen Sie, dass Sie es sind" in page.content.decode()
    assert confirm.startswith(reverse("account_reauthenticate"))
    response = client.post(
        reverse("mfa_reauthenticate"),
        {"code": totp_code(secret), "next": reverse("mfa_generate_recovery_codes")},
    )

    assert response["Location"] == reverse("mfa_generate_recovery_codes")
    assert client.get(response["Location"]).status_code == 200
