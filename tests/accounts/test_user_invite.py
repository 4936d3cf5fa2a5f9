import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from miqua.accounts.models import Role, User
from miqua.accounts.services import user_invite
from miqua.audit.models import AuditEntry


def invite(network, *, actor=None, **overrides):
    kwargs = {
        "email": "Neu.Beraterin@Miqua.example",
        "full_name": "Ayşe Demir",
        "role": Role.ADVISOR,
        "quarters": [network.own_quarter],
        "base_url": "http://testserver/",
        "actor": actor or network.staff,
    }
    kwargs.update(overrides)
    with scopes_disabled():
        return user_invite(**kwargs)


def test_invited_user_has_no_password_and_gets_a_link_to_set_one(
    network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(network)
    assert user.email == "neu.beraterin@miqua.example"
    assert not user.has_usable_password()
    with scopes_disabled():
        assert list(user.advised_quarters.all()) == [network.own_quarter]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu.beraterin@miqua.example"]
    assert "http://testserver/accounts/password/reset/key/" in message.body
    assert "Ayşe Demir" in message.body


def test_the_invitation_link_lets_the_person_set_a_password_and_sign_in(
    network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(network)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line)
    client = Client()
    response = client.get(link.replace("http://testserver", ""), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url, {"password1": "ein-sicheres-Passwort-1", "password2": "ein-sicheres-Passwort-1"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("ein-sicheres-Passwort-1")


def test_invite_is_audited(network):
    user = invite(network)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="user.invited", object_id=str(user.pk))
    assert entry.actor == network.staff
    assert entry.changes["role"] == Role.ADVISOR


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quarters": []}, "quarters"),
        ({"role": Role.MUNICIPALITY_VIEWER, "quarters": []}, "municipality"),
        ({"role": Role.STAFF}, "quarters"),
        ({"email": "advisor@miqua.example"}, "email"),
    ],
)
def test_invite_refuses_inconsistent_roles_with_a_message_on_the_field(network, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        invite(network, **overrides)
    assert field in excinfo.value.message_dict


@pytest.mark.parametrize("role", ["advisor", "committee_member", "municipality_viewer"])
def test_only_the_back_office_invites(network, role):
    actor = network.users_by_role()[role]
    with pytest.raises(PermissionDenied):
        invite(network, actor=actor)
    assert not User.objects.filter(email="neu.beraterin@miqua.example").exists()


def test_staff_cannot_make_an_administrator(network):
    with pytest.raises(ValidationError):
        invite(network, role=Role.ADMINISTRATOR, quarters=[])


def test_invite_form_keeps_what_was_typed_on_error(network):
    client = Client()
    client.force_login(network.staff)
    response = client.post(
        reverse("user_invite"),
        {
            "full_name": "Ayşe Demir",
            "email": "ayse@miqua.example",
            "role": "advisor",
            "language": "de",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="Ayşe Demir"' in content
    assert 'value="ayse@miqua.example"' in content
    assert "mindestens ein Quartier" in content or "at least one quarter" in content


def test_invite_page_invites(network, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(network.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("user_invite"),
            {
                "full_name": "Ayşe Demir",
                "email": "ayse@miqua.example",
                "role": "advisor",
                "quarters": [network.own_quarter.pk],
                "language": "de",
            },
        )
    assert response.status_code == 302
    assert User.objects.filter(email="ayse@miqua.example", role=Role.ADVISOR).exists()
    assert len(mail.outbox) == 1
