from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


def login(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_advisor_signs_in_with_email_and_lands_on_home(network):
    client = Client()
    response = login(client, "ADVISOR@miqua.example", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_is_refused(network):
    response = login(Client(), network.advisor.email, "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_repeated_failed_logins_are_rate_limited(network):
    client = Client()
    for _ in range(5):
        login(client, network.advisor.email, "wrong")
    # Even the right password is refused while the account is locked for this window.
    response = login(client, network.advisor.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_a_few_failed_logins_do_not_lock_the_account(network):
    client = Client()
    for _ in range(3):
        login(client, network.advisor.email, "wrong")
    response = login(client, network.advisor.email, PASSWORD)
    assert response.status_code == 302


def test_there_is_no_public_signup(db):
    response = Client().post(
        reverse("account_signup"), {"email": "someone@example.org", "password1": "x-very-long-pw-1"}
    )
    from miqua.accounts.models import User

    assert not User.objects.filter(email="someone@example.org").exists()
    assert response.status_code in (200, 403)


def test_admin_has_no_separate_login_form(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_inactive_users_cannot_sign_in(network):
    network.advisor.is_active = False
    network.advisor.save()
    client = Client()
    login(client, network.advisor.email, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_the_administrator_is_bound_by_the_role_rules_too(network):
    # A superuser for the Django admin, but entering applications is the advisors' work.
    admin = network.administrator
    assert admin.is_superuser
    assert admin.has_perm("accounts.view_user_list")
    assert not admin.has_perm("credits.add_application", network.own_quarter)
    assert not admin.has_perm("credits.change_application", network.own_application)
    # Django's own model permissions keep the superuser shortcut (the admin works).
    assert admin.has_perm("auth.view_group")
