"""The writing endpoints call the services of the pages: a draft started and changed, a
contact recorded, a vote cast, a payment recorded. Each: success by token and by session (with
its CSRF token), the service's message on a refusal (400), a role without the right (403), a
foreign quarter's object (404), and the audit entry the service writes. The messages are the
services' own, in German (the default language)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from credits.models import Application
from miqua.audit.models import AuditEntry
from tests.clients import client_for


def _token_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def _post(client: Client, url: str, data: dict, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def _audited(action: str) -> int:
    with scopes_disabled():
        return AuditEntry.objects.filter(action=action).count()


PERSON = {
    "first_name": "Selin",
    "last_name": "Arslan",
    "date_of_birth": "1988-04-02",
    "phone": "069 123456",
}


# --- Applications --------------------------------------------------------------------------------


def test_an_advisor_starts_a_draft_by_token(network):
    before = _audited("application.created")
    response = _post(
        _token_client(network.advisor),
        reverse("api-application-list"),
        {"borrower": PERSON, "business_name": "Schneiderei Arslan", "amount": "3000.00"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["business_name"], body["amount"]) == (
        "draft",
        "Schneiderei Arslan",
        "3000.00",
    )
    assert body["borrower"]["last_name"] == "Arslan"
    assert body["quarter"] == network.own_quarter.pk
    assert _audited("application.created") == before + 1


def test_a_session_write_needs_the_csrf_token(network):
    client = Client(enforce_csrf_checks=True)
    client.force_login(network.advisor)
    url = reverse("api-application-list")
    refused = _post(client, url, {"borrower": PERSON})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    secret = get_random_string(32)
    client.cookies["csrftoken"] = secret
    assert _post(client, url, {"borrower": PERSON}, HTTP_X_CSRFTOKEN=secret).status_code == 201


def test_the_service_refuses_a_term_beyond_the_product_with_its_message(network):
    response = _post(
        client_for(network.advisor),
        reverse("api-application-list"),
        {"borrower": PERSON, "term_months": 120},
    )
    assert response.status_code == 400
    assert response.json() == {"term_months": ["Die Laufzeit darf höchstens 36 Monate betragen."]}
    with scopes_disabled():  # the draft started in the same request is not kept
        assert not Application.objects.filter(borrower__last_name="Arslan").exists()


def test_a_draft_needs_the_persons_names_and_date_of_birth(network):
    response = _post(client_for(network.advisor), reverse("api-application-list"), {"borrower": {}})
    assert response.status_code == 400
    assert set(response.json()["borrower"]) == {"first_name", "last_name", "date_of_birth"}


@pytest.mark.parametrize("role", ["staff", "municipality_viewer", "committee_member"])
def test_only_advisors_start_drafts(network, role):
    user = network.users_by_role()[role]
    response = _post(client_for(user), reverse("api-application-list"), {"borrower": PERSON})
    assert response.status_code == 403


def test_an_advisor_cannot_start_a_draft_in_a_foreign_quarter(network):
    response = _post(
        client_for(network.advisor),
        reverse("api-application-list"),
        {"quarter": network.foreign_quarter.pk, "borrower": PERSON},
    )
    assert response.status_code == 404


def test_an_advisor_of_two_quarters_names_the_quarter(network):
    with scopes_disabled():
        network.advisor.advised_quarters.add(network.sibling_quarter)
    client = client_for(network.advisor)
    url = reverse("api-application-list")
    response = _post(client, url, {"borrower": PERSON})
    assert response.status_code == 400
    assert response.json() == {"quarter": ["Bitte wählen Sie das Quartier aus."]}
    named = _post(client, url, {"quarter": network.sibling_quarter.pk, "borrower": PERSON})
    assert named.status_code == 201
    assert named.json()["quarter"] == network.sibling_quarter.pk


def test_an_advisor_changes_a_draft_and_its_borrower(network):
    before = _audited("application.changed"), _audited("borrower.changed")
    url = reverse("api-application-detail", args=[network.own_application.pk])
    response = client_for(network.advisor).patch(
        url,
        {"purpose": "Nähmaschine", "borrower": {"city": "Offenbach"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["purpose"] == "Nähmaschine"
    assert response.json()["borrower"]["city"] == "Offenbach"
    assert (_audited("application.changed"), _audited("borrower.changed")) == (
        before[0] + 1,
        before[1] + 1,
    )


def test_a_submitted_application_is_not_changed(network):
    with scopes_disabled():
        network.own_application.status = Application.Status.SUBMITTED
        network.own_application.save()
    url = reverse("api-application-detail", args=[network.own_application.pk])
    response = client_for(network.advisor).patch(
        url, {"purpose": "Mehr"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_foreign_draft_is_not_found(network):
    url = reverse("api-application-detail", args=[network.foreign_application.pk])
    response = client_for(network.advisor).patch(
        url, {"purpose": "Mehr"}, content_type="application/json"
    )
    assert response.status_code == 404


# --- Contacts -------------------------------------------------------------------------------------


def _contact(world, side: str = "own", **changes) -> dict:
    loan = world.own_loan if side == "own" else world.foreign_loan
    return {
        "borrower": loan.borrower_id,
        "loan": loan.pk,
        "contacted_on": "2025-03-03",
        "channel": "visit",
        "note": "Besuch im Laden, Umsatz stabil.",
        **changes,
    }


def test_an_advisor_records_a_contact_by_token_and_by_session(world):
    before = _audited("contact.recorded")
    url = reverse("api-contact-list")
    for client in (_token_client(world.network.advisor), client_for(world.network.advisor)):
        response = _post(client, url, _contact(world))
        assert response.status_code == 201, response.content
        assert response.json()["by"] == world.network.advisor.pk
    assert _audited("contact.recorded") == before + 2


def test_a_contact_in_the_future_is_refused_with_the_services_message(world):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = _post(
        client_for(world.network.advisor),
        reverse("api-contact-list"),
        _contact(world, contacted_on=tomorrow),
    )
    assert response.status_code == 400
    assert "nicht in der Zukunft" in response.json()["contacted_on"][0]


def test_a_contact_with_a_foreign_borrower_is_not_found(world):
    response = _post(
        client_for(world.network.advisor), reverse("api-contact-list"), _contact(world, "foreign")
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["committee_member", "municipality_viewer"])
def test_contacts_are_not_recorded_by_others(world, role):
    user = world.network.users_by_role()[role]
    response = _post(client_for(user), reverse("api-contact-list"), _contact(world))
    assert response.status_code == 403


# --- Votes ----------------------------------------------------------------------------------------


def _case(world):
    with scopes_disabled():
        return world.open_ballot.cases.get()


def test_a_member_changes_their_vote_by_token(world):
    before = _audited("vote.changed")
    case = _case(world)
    response = _post(
        _token_client(world.network.committee_member),
        reverse("api-vote-list"),
        {"case": case.pk, "choice": "approve", "comment": "Überzeugt."},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["choice"], response.json()["case"]) == ("approve", case.pk)
    assert _audited("vote.changed") == before + 1


def test_a_vote_with_conditions_needs_them_written_out(world):
    response = _post(
        client_for(world.network.committee_member),
        reverse("api-vote-list"),
        {"case": _case(world).pk, "choice": "approve_with_conditions"},
    )
    assert response.status_code == 400
    assert response.json() == {"conditions": ["Bitte formulieren Sie die Auflagen."]}


@pytest.mark.parametrize("role", ["staff", "advisor"])
def test_only_members_vote(world, role):
    user = world.network.users_by_role()[role]
    response = _post(
        client_for(user), reverse("api-vote-list"), {"case": _case(world).pk, "choice": "approve"}
    )
    assert response.status_code == 403


def test_a_member_of_another_committee_does_not_find_the_case(world):
    response = _post(
        client_for(world.foreign_member),
        reverse("api-vote-list"),
        {"case": _case(world).pk, "choice": "approve"},
    )
    assert response.status_code == 404


def test_while_a_ballot_is_open_the_others_votes_stay_secret(world):
    """Staff see the votes of the closed ballot, not the member's vote on the open one; the
    member sees their own."""
    case = _case(world)
    url = reverse("api-vote-list")
    staff = client_for(world.network.staff).get(url, {"case": case.pk}).json()
    member = client_for(world.network.committee_member).get(url, {"case": case.pk}).json()
    assert (staff["count"], member["count"]) == (0, 1)


# --- Payments ---------------------------------------------------------------------------------


def test_staff_record_a_payment(world):
    before = _audited("payment.recorded")
    response = _post(
        _token_client(world.network.staff),
        reverse("api-payment-list"),
        {"loan": world.own_loan.pk, "amount": "210.50", "value_date": "2025-03-15"},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["amount"], response.json()["source"]) == ("210.50", "manual")
    assert _audited("payment.recorded") == before + 1


def test_a_payment_before_the_payout_is_refused_with_the_services_message(world):
    response = _post(
        client_for(world.network.staff),
        reverse("api-payment-list"),
        {"loan": world.own_loan.pk, "amount": "10.00", "value_date": "2024-01-01"},
    )
    assert response.status_code == 400
    assert response.json()["value_date"] == [
        "Der Kredit wurde am 15.01.2025 ausgezahlt; eine Rückzahlung muss danach liegen."
    ]


def test_a_payment_of_no_amount_is_refused_by_its_shape(world):
    response = _post(
        client_for(world.network.staff),
        reverse("api-payment-list"),
        {"loan": world.own_loan.pk, "amount": "zehn", "value_date": "2025-03-15"},
    )
    assert response.status_code == 400
    assert "amount" in response.json()


def test_advisors_do_not_record_payments_and_find_no_foreign_loan(world):
    client = client_for(world.network.advisor)
    url = reverse("api-payment-list")
    payment = {"amount": "10.00", "value_date": "2025-03-15"}
    assert _post(client, url, {"loan": world.own_loan.pk, **payment}).status_code == 403
    assert _post(client, url, {"loan": world.foreign_loan.pk, **payment}).status_code == 404
