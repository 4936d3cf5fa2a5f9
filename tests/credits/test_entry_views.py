"""The guided entry of an application: create, the four steps, the overview."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import constants as message_levels
from django.urls import reverse
from django_scopes import scopes_disabled

from credits.models import Application, Borrower, LoanProduct
from miqua.audit.models import AuditEntry
from tests import factories
from tests.clients import client_for

PERSON = {
    "first_name": "Ayşe",
    "last_name": "Öztürk",
    "date_of_birth": "1978-04-02",
    "email": "ayse@example.org",
    "phone": "069 5550123",
    "street": "Bieberer Straße 12",
    "postal_code": "63065",
    "city": "Offenbach am Main",
    "languages": "Deutsch, Türkisch",
    "receives_sgb2": "False",
    "bank_relationship": "account",
}


def edit_url(application: Application, step: str) -> str:
    return reverse("application_edit", args=[application.pk, step])


def detail_url(application: Application) -> str:
    return reverse("application_detail", args=[application.pk])


def fresh(application: Application) -> Application:
    with scopes_disabled():
        return Application.objects.select_related("borrower").get(pk=application.pk)


def request_data(**overrides: str) -> dict[str, str]:
    return {
        "amount": "5.000",
        "purpose": "Eine zweite Nähmaschine",
        "term_months": "24",
        "grace_months": "0",
        **overrides,
    }


# --- Step 1: create --------------------------------------------------------------------------


def test_advisor_creates_a_draft_with_a_new_borrower_and_goes_to_the_business_step(network):
    response = client_for(network.advisor).post(reverse("application_create"), PERSON)

    assert response.status_code == 302
    with scopes_disabled():
        borrower = Borrower.objects.get(last_name="Öztürk")
        application = borrower.applications.get()
        assert AuditEntry.objects.filter(
            action="application.created", object_id=str(application.pk)
        ).exists()
        assert AuditEntry.objects.filter(action="borrower.created").exists()
    assert response["Location"] == edit_url(application, "business")
    assert application.quarter == network.own_quarter
    assert application.advisor == network.advisor
    assert application.status == Application.Status.DRAFT
    assert borrower.date_of_birth == datetime.date(1978, 4, 2)
    assert borrower.receives_sgb2 is False
    assert borrower.bank_relationship == "account"


def test_create_page_asks_for_the_quarter_only_when_the_advisor_has_several(network):
    client = client_for(network.advisor)
    assert "quarter" not in client.get(reverse("application_create")).context["form"].fields

    with scopes_disabled():
        network.advisor.advised_quarters.add(network.sibling_quarter)
    form = client.get(reverse("application_create")).context["form"]
    with scopes_disabled():
        assert set(form.fields["quarter"].queryset) == {
            network.own_quarter,
            network.sibling_quarter,
        }

    response = client.post(
        reverse("application_create"), {**PERSON, "quarter": network.sibling_quarter.pk}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Borrower.objects.get(last_name="Öztürk").quarter == network.sibling_quarter


def test_create_refuses_a_quarter_the_advisor_does_not_advise(network):
    with scopes_disabled():
        network.advisor.advised_quarters.add(network.sibling_quarter)
    response = client_for(network.advisor).post(
        reverse("application_create"), {**PERSON, "quarter": network.foreign_quarter.pk}
    )
    assert response.status_code == 400
    assert "quarter" in response.context["form"].errors
    with scopes_disabled():
        assert not Borrower.objects.filter(last_name="Öztürk").exists()


def test_a_repeat_borrower_is_recognised_and_reused(network):
    with scopes_disabled():
        known = factories.BorrowerFactory(
            quarter=network.own_quarter,
            first_name="Ayşe",
            last_name="Öztürk",
            date_of_birth=datetime.date(1978, 4, 2),
            phone="",
        )
        factories.LoanFactory(borrower=known)
        borrowers_before = Borrower.objects.count()

    response = client_for(network.advisor).post(
        reverse("application_create"),
        {**PERSON, "first_name": "ayşe", "last_name": "öztürk"},
        follow=True,
    )

    assert response.status_code == 200
    with scopes_disabled():
        assert Borrower.objects.count() == borrowers_before
        known.refresh_from_db()
        assert known.applications.count() == 1
        # What was typed now is taken over.
        assert known.phone == "069 5550123"
    levels = [m.level for m in response.context["messages"]]
    assert message_levels.INFO in levels


def test_the_same_person_in_another_quarter_is_a_new_borrower(network):
    with scopes_disabled():
        factories.BorrowerFactory(
            quarter=network.sibling_quarter,
            first_name="Ayşe",
            last_name="Öztürk",
            date_of_birth=datetime.date(1978, 4, 2),
        )
    response = client_for(network.advisor).post(reverse("application_create"), PERSON)
    assert response.status_code == 302
    with scopes_disabled():
        assert Borrower.objects.filter(last_name="Öztürk").count() == 2


def test_create_refuses_an_impossible_date_and_keeps_everything_typed(network):
    response = client_for(network.advisor).post(
        reverse("application_create"), {**PERSON, "date_of_birth": "31.02.2020"}
    )
    assert response.status_code == 400
    assert "date_of_birth" in response.context["form"].errors
    content = response.content.decode()
    for value in ("Ayşe", "Öztürk", "Bieberer Straße 12", "069 5550123", "31.02.2020"):
        assert value in content
    with scopes_disabled():
        assert not Borrower.objects.filter(last_name="Öztürk").exists()


def test_create_refuses_a_date_of_birth_in_the_future(network):
    response = client_for(network.advisor).post(
        reverse("application_create"), {**PERSON, "date_of_birth": "2999-01-01"}
    )
    assert response.status_code == 400
    assert response.context["form"].has_error("date_of_birth", "future")


def test_create_requires_names_and_date_of_birth(network):
    response = client_for(network.advisor).post(
        reverse("application_create"), {"city": "Offenbach am Main"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    for field in ("first_name", "last_name", "date_of_birth"):
        assert form.has_error(field, "required")
    assert "Offenbach am Main" in response.content.decode()


def test_create_without_a_loan_product_shows_the_reason_on_the_form(network):
    with scopes_disabled():
        LoanProduct.objects.update(is_active=False)
    response = client_for(network.advisor).post(reverse("application_create"), PERSON)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert "Bieberer Straße 12" in response.content.decode()
    with scopes_disabled():
        assert not Application.objects.filter(borrower__last_name="Öztürk").exists()


@pytest.mark.parametrize("role", ["staff", "committee_member", "municipality_viewer"])
def test_only_advisors_start_an_application(network, role):
    client = client_for(network.users_by_role()[role])
    assert client.get(reverse("application_create")).status_code == 403
    assert client.post(reverse("application_create"), PERSON).status_code == 403


def test_an_advisor_without_a_quarter_cannot_start_an_application(network):
    with scopes_disabled():
        network.advisor.advised_quarters.clear()
    response = client_for(network.advisor).get(reverse("application_create"))
    assert response.status_code == 403


# --- The steps ---------------------------------------------------------------------------------

STEP_DATA = {
    "person": (
        {**PERSON, "receives_sgb2": "", "bank_relationship": "none"},
        {"borrower.receives_sgb2": None, "borrower.bank_relationship": "none"},
    ),
    "business": (
        {
            "business_name": "Kiosk am Marktplatz",
            "trade": "Einzelhandel",
            "stage": "startup",
            "founded_on": "2012-10-01",
            "jobs_now": "1",
            "jobs_planned": "2",
        },
        {"business_name": "Kiosk am Marktplatz", "founded_on": datetime.date(2012, 10, 1)},
    ),
    "request": (
        request_data(amount="7.250,50", grace_months=""),
        {"amount": Decimal("7250.50"), "grace_months": 0},
    ),
    "assessment": (
        {
            "improves_situation": "Ja, eigenes Einkommen.",
            "can_repay": "Ja, Überschuss 500 € im Monat.",
            "potential": "low",
            "handicap": "large",
            "monthly_income": "3.000",
            "monthly_costs": "2.250,00",
            "repayable_if_closed": "",
            "repayable_if_closed_note": "Teilzeitstelle im Supermarkt",
        },
        {
            "potential": "low",
            "monthly_costs": Decimal("2250.00"),
            "repayable_if_closed": None,
        },
    ),
}


@pytest.mark.parametrize("step", list(STEP_DATA))
def test_each_step_saves_the_draft_and_shows_the_values_again(network, step):
    data, expected = STEP_DATA[step]
    client = client_for(network.advisor)
    url = edit_url(network.own_application, step)

    response = client.post(url, {**data, "save": "draft"})

    assert response.status_code == 302
    assert response["Location"] == url
    application = fresh(network.own_application)
    for path, value in expected.items():
        obj = application
        *parents, name = path.split(".")
        for parent in parents:
            obj = getattr(obj, parent)
        assert getattr(obj, name) == value, path
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    for value in data.values():
        if value and value not in ("False", "True"):
            assert value.split(",")[0].split(".")[0] in content, value


def test_an_incomplete_draft_can_be_saved(network):
    response = client_for(network.advisor).post(
        edit_url(network.own_application, "request"),
        {"amount": "", "purpose": "", "term_months": "", "grace_months": ""},
    )
    assert response.status_code == 302
    application = fresh(network.own_application)
    assert application.amount is None
    assert application.term_months is None
    assert application.grace_months == 0


def test_save_and_continue_goes_to_the_next_step_and_after_the_last_to_the_overview(network):
    client = client_for(network.advisor)
    application = network.own_application
    response = client.post(edit_url(application, "business"), {"continue": "1"})
    assert response["Location"] == edit_url(application, "request")
    response = client.post(
        edit_url(application, "assessment"), {**STEP_DATA["assessment"][0], "continue": "1"}
    )
    assert response["Location"] == detail_url(application)


def test_jumping_to_another_step_saves_first(network):
    client = client_for(network.advisor)
    response = client.post(
        edit_url(network.own_application, "business"),
        {"business_name": "Neu und gespeichert", "goto": "person"},
    )
    assert response["Location"] == edit_url(network.own_application, "person")
    assert fresh(network.own_application).business_name == "Neu und gespeichert"


def test_the_person_step_keeps_names_and_date_of_birth_required(network):
    response = client_for(network.advisor).post(
        edit_url(network.own_application, "person"), {**PERSON, "first_name": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].has_error("first_name", "required")
    assert "Bieberer Straße 12" in response.content.decode()


def test_the_business_step_refuses_an_impossible_date_and_keeps_the_values(network):
    original_name = network.own_application.business_name
    response = client_for(network.advisor).post(
        edit_url(network.own_application, "business"),
        {"business_name": "Kiosk am Marktplatz", "founded_on": "31.02.2020"},
    )
    assert response.status_code == 400
    assert "founded_on" in response.context["form"].errors
    content = response.content.decode()
    assert "Kiosk am Marktplatz" in content
    assert "31.02.2020" in content
    assert fresh(network.own_application).business_name == original_name


def test_a_too_small_amount_is_refused_with_everything_typed_kept(network):
    response = client_for(network.advisor).post(
        edit_url(network.own_application, "request"),
        request_data(amount="499,99", purpose="Werkzeug für die Werkstatt", term_months="18"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["amount"]
    content = response.content.decode()
    assert 'value="499,99"' in content
    assert "Werkzeug für die Werkstatt" in content
    assert 'value="18"' in content
    application = fresh(network.own_application)
    assert application.amount == Decimal("5000.00")
    assert application.purpose == "Zweite Nähmaschine"


@pytest.mark.parametrize(
    ("amount", "accepted"),
    [("499,99", False), ("500", True), ("10.000", True), ("10.000,01", False)],
)
def test_the_amount_of_a_first_loan_lies_between_500_and_10000(network, amount, accepted):
    response = client_for(network.advisor).post(
        edit_url(network.own_application, "request"), request_data(amount=amount)
    )
    assert response.status_code == (302 if accepted else 400)
    if not accepted:
        assert "amount" in response.context["form"].errors


@pytest.mark.parametrize(("amount", "accepted"), [("15.000", True), ("15.000,01", False)])
def test_a_second_loan_may_reach_15000(network, amount, accepted):
    with scopes_disabled():
        factories.LoanFactory(borrower=network.own_application.borrower, status="repaid")
    response = client_for(network.advisor).post(
        edit_url(network.own_application, "request"), request_data(amount=amount)
    )
    assert response.status_code == (302 if accepted else 400)
    if accepted:
        assert fresh(network.own_application).amount == Decimal("15000.00")


def test_a_term_beyond_the_product_is_refused_at_the_field(network):
    response = client_for(network.advisor).post(
        edit_url(network.own_application, "request"), request_data(term_months="48")
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["term_months"]


def test_the_request_step_shows_the_limit_of_the_loan_cycle(network):
    with scopes_disabled():
        factories.LoanFactory(borrower=network.own_application.borrower)
    response = client_for(network.advisor).get(edit_url(network.own_application, "request"))
    assert "15.000,00" in response.context["form"].fields["amount"].help_text
    assert response.context["cycle"] == 2


def test_the_assessment_step_compares_free_cash_flow_with_the_instalment(network):
    response = client_for(network.advisor).get(edit_url(network.own_application, "assessment"))
    affordability = response.context["affordability"]
    assert affordability.free_cash_flow == Decimal("600.00")
    assert affordability.carries
    assert response.context["quadrant"] is not None


def test_an_unknown_step_does_not_exist(network):
    response = client_for(network.advisor).get(edit_url(network.own_application, "nonsense"))
    assert response.status_code == 404


def test_a_foreign_quarters_application_does_not_exist_for_the_advisor(network):
    client = client_for(network.advisor)
    foreign = network.foreign_application
    assert client.get(edit_url(foreign, "request")).status_code == 404
    assert client.post(edit_url(foreign, "request"), request_data()).status_code == 404
    assert client.get(detail_url(foreign)).status_code == 404


def test_staff_cannot_edit_an_advisors_draft(network):
    client = client_for(network.staff)
    url = edit_url(network.own_application, "request")
    assert client.get(url).status_code == 403
    assert client.post(url, request_data(amount="600")).status_code == 403
    assert fresh(network.own_application).amount == Decimal("5000.00")


def test_an_advisor_cannot_edit_a_submitted_application(network):
    original_name = network.own_application.business_name
    with scopes_disabled():
        Application.objects.filter(pk=network.own_application.pk).update(status="submitted")
    client = client_for(network.advisor)
    url = edit_url(network.own_application, "business")
    assert client.get(url).status_code == 403
    assert client.post(url, {"business_name": "Anders"}).status_code == 403
    assert fresh(network.own_application).business_name == original_name


# --- The overview ----------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("advisor", 200), ("staff", 200)])
def test_advisor_and_staff_read_the_overview(network, role, status):
    response = client_for(network.users_by_role()[role]).get(detail_url(network.own_application))
    assert response.status_code == status
    content = response.content.decode()
    assert network.own_application.reference in content
    assert network.own_application.business_name in content
    assert response.context["can_change"] is (role == "advisor")


@pytest.mark.parametrize("role", ["committee_member", "municipality_viewer"])
def test_the_overview_is_closed_to_roles_without_personal_data(network, role):
    response = client_for(network.users_by_role()[role]).get(detail_url(network.own_application))
    assert response.status_code in (403, 404)


def test_the_overview_lists_earlier_loans_with_the_cycle(network):
    with scopes_disabled():
        factories.LoanFactory(
            borrower=network.own_application.borrower,
            amount=Decimal("3210.00"),
            had_disruptions=True,
        )
    response = client_for(network.advisor).get(detail_url(network.own_application))
    assert response.context["cycle"] == 2
    assert response.context["cycle_limit"] == Decimal("15000.00")
    assert "3.210,00" in response.content.decode()


def test_an_administrator_reads_but_does_not_enter_applications(network):
    # Administrators are superusers (for the Django admin); the role rules still apply here.
    client = client_for(network.administrator)
    assert client.get(detail_url(network.own_application)).status_code == 200
    assert client.get(reverse("application_create")).status_code == 403
    assert client.get(edit_url(network.own_application, "request")).status_code == 403
    add_guarantor = reverse("guarantee_add", args=[network.own_application.pk])
    data = {"first_name": "A", "last_name": "B", "relation": "Onkel", "amount": "800"}
    assert client.post(add_guarantor, data).status_code == 403
