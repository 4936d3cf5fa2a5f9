"""Every change made in the administration leaves an audit entry that says what changed, in
words: driven through the real admin pages as an administrator."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from committees.models import Committee, CommitteeMembership
from miqua.accounts.models import Role, User
from miqua.audit.models import AuditEntry
from miqua.audit.templatetags.audit import audit_summary
from quarters.models import Organisation
from tests import factories

from .admin_forms import add_row, page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(network) -> Committee:
    with scopes_disabled():
        return Committee.objects.select_related("quarter").get()


def entries(obj) -> list[AuditEntry]:
    with scopes_disabled():
        return list(
            AuditEntry._base_manager.filter(
                object_type=obj._meta.label_lower, object_id=str(obj.pk)
            ).order_by("pk")
        )


def words(entry: AuditEntry, language: str = "de") -> str:
    with translation.override(language):
        return audit_summary(entry)


def change_committee(client: Client, committee: Committee, edit) -> AuditEntry:
    url = reverse("admin:committees_committee_change", args=[committee.pk])
    data = page_data(client.get(url))
    edit(data)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = entries(committee)
    return entry


def test_adding_a_committee_member_in_the_inline_names_the_member(admin_client, committee, network):
    with scopes_disabled():
        newcomer = factories.UserFactory(
            role=Role.COMMITTEE_MEMBER, full_name="Ingrid Hartmann", email="ih@miqua.example"
        )

    entry = change_committee(
        admin_client,
        committee,
        lambda data: add_row(
            data,
            "memberships",
            {"member": str(newcomer.pk), "starts_on": "2026-01-01", "is_chair": "on"},
        ),
    )

    assert entry.action == "admin.changed"
    assert entry.actor_id == network.administrator.pk
    assert entry.quarter_id == committee.quarter_id
    [row] = entry.changes["rows"]
    assert row["action"] == "added"
    assert row["object"] == f"Ingrid Hartmann – {committee.name}"
    text = words(entry)
    member = f"„Ingrid Hartmann – {committee.name}“"
    assert f"Mitgliedschaft im Vergabeausschuss {member} hinzugefügt" in text
    assert "Vorsitz: ja" in text
    assert "Mitglied seit: 01.01.2026" in text
    english = words(entry, "en")
    assert f"Committee membership “Ingrid Hartmann – {committee.name}” added" in english


def test_removing_a_committee_member_in_the_inline_names_the_member(
    admin_client, committee, network
):
    with scopes_disabled():
        membership = CommitteeMembership.objects.get(committee=committee)

    def remove(data):
        data["memberships-0-DELETE"] = "on"

    entry = change_committee(admin_client, committee, remove)

    with scopes_disabled():
        assert not CommitteeMembership.objects.filter(pk=membership.pk).exists()
    assert entry.changes == {
        "rows": [
            {
                "model": "committee membership",
                "object": f"{network.committee_member} – {committee.name}",
                "action": "removed",
            }
        ]
    }
    assert f"„{network.committee_member} – {committee.name}“ entfernt" in words(entry)


def test_changing_a_member_row_says_which_fields_changed(admin_client, committee):
    def make_chair(data):
        data["memberships-0-is_chair"] = "on"
        data["memberships-0-ends_on"] = "2027-06-30"

    entry = change_committee(admin_client, committee, make_chair)

    [row] = entry.changes["rows"]
    assert row["action"] == "changed"
    text = words(entry)
    assert "geändert (" in text
    assert "Vorsitz: nein → ja" in text
    assert "Mitglied bis: (leer) → 30.06.2027" in text


def test_a_field_change_says_old_and_new_in_words(admin_client, committee):
    def rules(data):
        data["name"] = "Vergabeausschuss Offenbach"
        data["quorum_percent"] = "60"
        data["tie_approves"] = "on"

    old_name = committee.name
    entry = change_committee(admin_client, committee, rules)

    text = words(entry)
    assert f"Name: {old_name} → Vergabeausschuss Offenbach" in text
    assert "Beschlussfähigkeit: Anteil" in text
    assert "50,00 → 60,00" in text
    assert "Stimmengleichheit gilt als Bewilligung: nein → ja" in text
    assert "50.00 → 60.00" in words(entry, "en")
    assert "A tie approves: no → yes" in words(entry, "en")


def test_saving_without_a_change_writes_no_entry(admin_client, committee):
    url = reverse("admin:committees_committee_change", args=[committee.pk])
    response = admin_client.post(url, page_data(admin_client.get(url)))
    assert response.status_code == 302
    assert entries(committee) == []


def test_deleting_a_committee_records_it_and_its_members(admin_client, committee, network):
    url = reverse("admin:committees_committee_delete", args=[committee.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    with scopes_disabled():
        assert not Committee.objects.filter(pk=committee.pk).exists()
    [entry] = entries(committee)
    assert entry.action == "admin.deleted"
    assert entry.actor_id == network.administrator.pk
    assert entry.object_repr == committee.name
    assert entry.quarter_id == committee.quarter_id
    text = words(entry)
    assert f"Name: {committee.name}" in text
    member = f"„{network.committee_member} – {committee.name}“"
    assert f"Gelöscht mit: Mitgliedschaft im Vergabeausschuss {member}" in text
    with translation.override("de"):
        assert entry.action_label == "In der Verwaltung gelöscht"


def test_deleting_an_organisation_records_it(admin_client):
    with scopes_disabled():
        organisation = factories.OrganisationFactory(
            name="Wirtschaftsförderung Offenbach", kind=Organisation.Kind.ECONOMIC_DEVELOPMENT
        )
    url = reverse("admin:quarters_organisation_delete", args=[organisation.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 302

    [entry] = entries(organisation)
    assert entry.action == "admin.deleted"
    assert entry.object_repr == "Wirtschaftsförderung Offenbach"
    assert "Art: Wirtschaftsförderung" in words(entry)
    assert "Kind: Economic development agency" in words(entry, "en")


def test_the_delete_selected_action_records_each_organisation(admin_client):
    with scopes_disabled():
        first = factories.OrganisationFactory(name="Stiftung A")
        second = factories.OrganisationFactory(name="Stiftung B")

    response = admin_client.post(
        reverse("admin:quarters_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert not Organisation.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert [e.action for e in entries(first)] == ["admin.deleted"]
    assert [e.action for e in entries(second)] == ["admin.deleted"]
    assert "Name: Stiftung B" in words(entries(second)[0])


def test_setting_a_users_password_records_that_it_was_set_and_nothing_of_it(admin_client, network):
    url = reverse("admin:auth_user_password_change", args=[network.advisor.pk])
    secret = "Ein-neues-Passwort-2026"

    response = admin_client.post(url, {"password1": secret, "password2": secret})

    assert response.status_code == 302
    network.advisor.refresh_from_db()
    assert network.advisor.check_password(secret)
    [entry] = entries(network.advisor)
    assert entry.action == "admin.changed"
    assert entry.actor_id == network.administrator.pk
    assert entry.changes == {"password": "set"}
    assert words(entry) == "Passwort gesetzt"
    assert secret not in str(entry.changes)
    assert network.advisor.password not in str(entry.changes)


def test_disabling_sign_in_by_password_is_recorded(admin_client, network):
    url = reverse("admin:auth_user_password_change", args=[network.advisor.pk])

    response = admin_client.post(url, {"usable_password": "false", "unset-password": "1"})

    assert response.status_code == 302
    network.advisor.refresh_from_db()
    assert not network.advisor.has_usable_password()
    [entry] = entries(network.advisor)
    assert entry.changes == {"password": "disabled"}
    assert words(entry) == "Anmeldung mit Passwort abgeschaltet"


def test_a_refused_password_change_records_nothing(admin_client, network):
    url = reverse("admin:auth_user_password_change", args=[network.advisor.pk])

    response = admin_client.post(url, {"password1": "a-b-c-d-e-f", "password2": "different"})

    assert response.status_code == 200
    assert entries(network.advisor) == []


def test_the_quarters_of_an_advisor_are_named_as_added_and_removed(admin_client, network):
    url = reverse("admin:accounts_user_change", args=[network.advisor.pk])
    data = page_data(admin_client.get(url))
    data["advised_quarters"] = [str(network.sibling_quarter.pk)]

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = entries(network.advisor)
    [change] = entry.changes["fields"]
    assert change == {
        "field": "quarters advised",
        "kind": "many",
        "added": [str(network.sibling_quarter)],
        "removed": [str(network.own_quarter)],
    }
    assert "QuerySet" not in str(entry.changes)
    text = words(entry)
    assert text.startswith("Betreute Quartiere: ")
    assert f"{network.sibling_quarter} hinzugefügt" in text
    assert f"{network.own_quarter} entfernt" in text


def test_a_role_change_is_named_by_its_label(admin_client, network):
    url = reverse("admin:accounts_user_change", args=[network.staff.pk])
    data = page_data(admin_client.get(url))
    data["role"] = Role.ADMINISTRATOR

    assert admin_client.post(url, data).status_code == 302

    [entry] = entries(network.staff)
    with translation.override("de"):
        staff_label, admin_label = str(Role.STAFF.label), str(Role.ADMINISTRATOR.label)
    assert f"{staff_label} → {admin_label}" in words(entry)


def test_a_new_user_is_recorded_without_the_password(admin_client):
    secret = "Startpasswort-2026-x"

    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "neu@miqua.example",
            "full_name": "Neue Beraterin",
            "role": Role.ADVISOR,
            "password1": secret,
            "password2": secret,
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    with scopes_disabled():
        user = User.objects.get(email="neu@miqua.example")
    [entry] = entries(user)
    assert entry.action == "admin.added"
    assert secret not in str(entry.changes)
    assert user.password not in str(entry.changes)
    assert entry.changes["password"] == "set"
    text = words(entry)
    assert "E-Mail-Adresse: neu@miqua.example" in text
    assert "Rolle: Quartiersberater/in" in text
    assert "Passwort gesetzt" in text


def test_the_quarter_page_shows_an_admin_change_in_words(admin_client, network):
    url = reverse("admin:quarters_quarter_change", args=[network.own_quarter.pk])
    data = page_data(admin_client.get(url))
    data["name"] = "Östliche Innenstadt-Nord"
    assert admin_client.post(url, data).status_code == 302

    staff = Client()
    staff.force_login(network.staff)
    with scopes_disabled():
        slug = network.own_quarter.slug
    page = staff.get(reverse("quarter_detail", args=[slug]), HTTP_ACCEPT_LANGUAGE="de")

    assert "In der Verwaltung geändert: Offenbach am Main – Östliche Innenstadt-Nord" in (
        page.content.decode()
    )
    assert "Name: Östliche Innenstadt → Östliche Innenstadt-Nord" in page.content.decode()


def test_a_date_of_a_new_member_is_shown_the_german_way(admin_client, committee):
    with scopes_disabled():
        newcomer = factories.UserFactory(role=Role.COMMITTEE_MEMBER, full_name="Ali Aydın")
    entry = change_committee(
        admin_client,
        committee,
        lambda data: add_row(
            data, "memberships", {"member": str(newcomer.pk), "starts_on": "2026-03-01"}
        ),
    )
    [row] = entry.changes["rows"]
    assert {"field": "member since", "kind": "date", "new": "2026-03-01"} in row["fields"]
    assert datetime.date(2026, 3, 1).strftime("%d.%m.%Y") in words(entry)
