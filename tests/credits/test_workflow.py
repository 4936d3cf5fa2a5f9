"""The workflow through the pages: who may take which step from which state, what each step
needs, what it records, and the whole way from a draft to an approval."""

import html
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from committees import services as committee_services
from committees.models import Ballot, Committee
from credits import services
from credits.forms import TransitionForm
from credits.models import Application, ApplicationTransition
from credits.workflow import TRANSITIONS
from miqua.audit.models import AuditEntry
from tests.clients import client_for

S = Application.Status
ROLES = ["advisor", "staff", "administrator", "committee_member", "municipality_viewer"]
# What a person writes with each step when the step needs it.
STEP_DATA = {
    "comment": "Sitzung vom 12.09.2012",
    "conditions": "Nachweis der Gewerbeanmeldung vor der Auszahlung",
    "outcome": Application.Outcome.BANK_FINANCED,
    "outcome_note": "Die Sparkasse finanziert die Maschine.",
}


def step(user, application: Application, name: str, data: dict | None = None):
    url = reverse("application_transition", args=[application.pk, name])
    return client_for(user).post(url, STEP_DATA if data is None else data)


def put_in(application: Application, status: str, **fields: object) -> None:
    with scopes_disabled():
        Application.objects.filter(pk=application.pk).update(status=status, **fields)


def fresh(application: Application) -> Application:
    with scopes_disabled():
        return Application.objects.get(pk=application.pk)


def transitions_of(application: Application) -> list[ApplicationTransition]:
    with scopes_disabled():
        return list(ApplicationTransition.objects.filter(application=application))


def status_audits(application: Application) -> list[AuditEntry]:
    with scopes_disabled():
        return list(
            AuditEntry.objects.filter(
                action="application.status_changed", object_id=str(application.pk)
            )
        )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


MATRIX = [
    (name, source, role)
    for name, transition in TRANSITIONS.items()
    for source in sorted(transition.sources)
    for role in ROLES
]


@pytest.mark.parametrize(
    ("name", "source", "role"), MATRIX, ids=[f"{n}-from-{s}-{r}" for n, s, r in MATRIX]
)
def test_only_the_roles_of_the_transition_table_take_a_step(network, name, source, role):
    application = network.own_application
    put_in(
        application,
        source,
        staff_assessment="Tragfähiges Vorhaben.",
        recommendation="Bewilligen.",
    )
    user = network.users_by_role()[role]
    transition = TRANSITIONS[name]

    response = step(user, application, name)

    if role in transition.roles:
        assert response.status_code == 302, messages_of(response)
        assert fresh(application).status == transition.target
        [record] = transitions_of(application)
        assert (record.from_status, record.to_status, record.actor) == (
            source,
            transition.target,
            user,
        )
        assert len(status_audits(application)) == 1
    else:
        assert response.status_code in (403, 404)
        assert fresh(application).status == source
        assert transitions_of(application) == []
        assert status_audits(application) == []
        if user.has_perm("credits.view_application", application):
            # Someone who sees the application is told why.
            assert messages_of(response)


def test_a_step_not_possible_in_this_state_is_refused_with_a_message(network):
    application = network.own_application  # a draft
    response = step(network.staff, application, "prepare", {"comment": ""})
    assert response.status_code == 400
    assert messages_of(response)
    assert fresh(application).status == S.DRAFT
    assert transitions_of(application) == []


def test_the_complete_draft_is_submitted(network):
    application = network.own_application
    response = step(network.advisor, application, "submit", {"comment": ""})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("application_detail", args=[application.pk]))
    application = fresh(application)
    assert application.status == S.SUBMITTED
    assert application.submitted_at is not None
    # The success message names the new status.
    assert any(application.get_status_display() in m for m in messages_of(response))


def _missing_after(application: Application) -> list[str]:
    with scopes_disabled():
        return services.application_missing_items(application=fresh(application))


def test_a_submission_below_the_minimum_amount_lists_what_is_missing(network):
    application = network.own_application
    with scopes_disabled():
        Application.objects.filter(pk=application.pk).update(amount=Decimal("499.99"))
    missing = _missing_after(application)
    assert len(missing) == 1  # the product's minimum; two guarantors still cover half

    response = step(network.advisor, application, "submit", {"comment": ""})

    assert response.status_code == 400
    assert response.context["workflow_missing_items"] == missing
    # Listed once, in the checklist above the button; the button's message points to it.
    page = response.content.decode()
    assert page.count(html.escape(missing[0]).replace("&#x27;", "&#39;")) == 1
    [submit] = response.context["workflow_forward"]
    assert missing[0] not in " ".join(submit.form.non_field_errors())
    assert submit.form.non_field_errors()
    assert fresh(application).status == S.DRAFT


def test_the_checklist_shows_what_is_missing_before_submitting(network):
    application = network.own_application
    with scopes_disabled():
        Application.objects.filter(pk=application.pk).update(purpose="")
    response = client_for(network.advisor).get(reverse("application_detail", args=[application.pk]))
    assert response.status_code == 200
    assert response.context["workflow_missing_items"] == _missing_after(application)
    assert [s.name for s in response.context["workflow_forward"]] == ["submit"]
    assert response.context["workflow_withdraw"] is not None


def test_returning_to_the_advisor_needs_a_reason(network):
    application = network.own_application
    put_in(application, S.SUBMITTED)
    response = step(network.staff, application, "return", {"comment": "   "})
    assert response.status_code == 400
    assert fresh(application).status == S.SUBMITTED
    assert transitions_of(application) == []
    assert response.context["workflow_return"].form.errors["comment"]

    response = step(network.staff, application, "return", {"comment": "Unterlagen fehlen."})
    assert response.status_code == 302
    [record] = transitions_of(application)
    assert record.comment == "Unterlagen fehlen."


@pytest.mark.parametrize(
    "name", ["present", "approve", "approve_with_conditions", "reject", "defer"]
)
def test_staff_cannot_take_the_committees_steps_on_the_page(network, name):
    # Only the committee decides, through its ballot; presenting means putting on a ballot.
    application = network.own_application
    source = S.PREPARED if name == "present" else S.BEFORE_COMMITTEE
    put_in(application, source)
    response = step(network.staff, application, name)
    assert response.status_code == 403
    assert fresh(application).status == source
    assert transitions_of(application) == []
    assert messages_of(response)  # the 403 says why


def test_withdrawal_needs_an_outcome_and_stores_it(network):
    application = network.own_application
    response = step(network.advisor, application, "withdraw", {"outcome_note": "Privat gelöst."})
    assert response.status_code == 400
    assert response.context["workflow_withdraw"].form.errors["outcome"]
    assert fresh(application).status == S.DRAFT

    response = step(
        network.advisor,
        application,
        "withdraw",
        {"outcome": Application.Outcome.GUARANTOR_LENT, "outcome_note": "Der Bruder leiht."},
    )
    assert response.status_code == 302
    application = fresh(application)
    assert application.status == S.WITHDRAWN
    assert application.outcome == Application.Outcome.GUARANTOR_LENT
    assert application.outcome_note == "Der Bruder leiht."


def test_an_unknown_outcome_is_refused(network):
    application = network.own_application
    response = step(network.advisor, application, "withdraw", {"outcome": "lottery"})
    assert response.status_code == 400
    assert fresh(application).status == S.DRAFT


def test_every_step_is_recorded_and_shown_on_the_page(network):
    application = network.own_application
    put_in(application, S.SUBMITTED)
    step(network.staff, application, "return", {"comment": "Businessplan überarbeiten"})
    [record] = transitions_of(application)
    assert (record.from_status, record.to_status) == (S.SUBMITTED, S.DRAFT)
    assert record.actor == network.staff
    [audit] = status_audits(application)
    assert audit.actor == network.staff
    assert audit.changes["to"] == S.DRAFT

    for user in (network.advisor, network.staff):
        response = client_for(user).get(reverse("application_detail", args=[application.pk]))
        assert response.context["status_changes"] == [record]
        content = response.content.decode()
        assert "Businessplan überarbeiten" in content
        assert network.staff.full_name in content


def test_another_quarters_advisor_gets_404_on_the_step(network):
    application = network.own_application
    response = step(network.foreign_advisor, application, "submit", {"comment": ""})
    assert response.status_code == 404
    assert fresh(application).status == S.DRAFT
    assert transitions_of(application) == []


def test_an_unknown_step_answers_404(network):
    response = step(network.advisor, network.own_application, "approve_everything")
    assert response.status_code == 404


def test_a_step_is_taken_by_post_only(network):
    url = reverse("application_transition", args=[network.own_application.pk, "submit"])
    response = client_for(network.advisor).get(url)
    assert response.status_code == 405
    assert fresh(network.own_application).status == S.DRAFT


def test_people_who_take_no_steps_see_none(network):
    application = network.own_application
    put_in(application, S.BEFORE_COMMITTEE)
    response = client_for(network.advisor).get(reverse("application_detail", args=[application.pk]))
    context = response.context
    assert context["workflow_forward"] == []
    assert context["workflow_return"] is None
    assert context["workflow_withdraw"] is not None  # the advisor may still withdraw
    assert context["can_prepare"] is False

    # Before the committee, the committee decides: staff have nothing to record by hand.
    response = client_for(network.staff).get(reverse("application_detail", args=[application.pk]))
    assert response.context["workflow_forward"] == []
    assert response.context["workflow_withdraw"] is not None


# --- The decision template: the back office's page ------------------------------------------


def prepare_url(application: Application) -> str:
    return reverse("application_prepare", args=[application.pk])


def test_the_back_office_writes_the_decision_template_and_saves_it(network):
    application = network.own_application
    put_in(application, S.SUBMITTED)
    client = client_for(network.staff)
    response = client.get(prepare_url(application))
    assert response.status_code == 200
    assert response.context["can_mark_prepared"] is True
    assert response.context["facts"].capacity.before == Decimal("50000.00")

    response = client.post(
        prepare_url(application),
        {"staff_assessment": "Solide.", "recommendation": "", "action": "save"},
    )
    assert response.status_code == 302
    application = fresh(application)
    assert application.staff_assessment == "Solide."
    assert application.status == S.SUBMITTED  # saved, not yet marked
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="application.template_written").count() == 1


def test_save_and_mark_as_prepared_needs_both_texts(network):
    application = network.own_application
    put_in(application, S.SUBMITTED)
    response = client_for(network.staff).post(
        prepare_url(application),
        {"staff_assessment": "Solide.", "recommendation": " ", "action": "prepare"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["recommendation"]
    application = fresh(application)
    assert application.status == S.SUBMITTED
    assert application.staff_assessment == ""  # nothing half done


def test_save_and_mark_as_prepared_moves_the_application_on(network):
    application = network.own_application
    put_in(application, S.SUBMITTED)
    response = client_for(network.staff).post(
        prepare_url(application),
        {"staff_assessment": "Solide.", "recommendation": "Bewilligen.", "action": "prepare"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("application_detail", args=[application.pk]))
    assert fresh(application).status == S.PREPARED
    [record] = transitions_of(application)
    assert (record.from_status, record.to_status, record.actor) == (
        S.SUBMITTED,
        S.PREPARED,
        network.staff,
    )


def test_once_prepared_the_template_can_still_be_corrected_but_not_marked_again(network):
    application = network.own_application
    put_in(application, S.PREPARED, staff_assessment="Alt.", recommendation="Alt.")
    client = client_for(network.staff)
    response = client.get(prepare_url(application))
    assert response.context["can_mark_prepared"] is False
    response = client.post(
        prepare_url(application),
        {"staff_assessment": "Neu.", "recommendation": "Neu.", "action": "prepare"},
    )
    assert response.status_code == 302
    application = fresh(application)
    assert (application.staff_assessment, application.status) == ("Neu.", S.PREPARED)
    assert transitions_of(application) == []


@pytest.mark.parametrize("role", ["advisor", "committee_member", "municipality_viewer"])
def test_only_the_back_office_opens_the_template_page(network, role):
    application = network.own_application
    put_in(application, S.SUBMITTED)
    client = client_for(network.users_by_role()[role])
    assert client.get(prepare_url(application)).status_code in (403, 404)
    response = client.post(
        prepare_url(application),
        {"staff_assessment": "X", "recommendation": "Y", "action": "prepare"},
    )
    assert response.status_code in (403, 404)
    application = fresh(application)
    assert (application.staff_assessment, application.status) == ("", S.SUBMITTED)


def test_a_draft_has_no_template_to_write_yet(network):
    response = client_for(network.staff).get(prepare_url(network.own_application))
    assert response.status_code == 403


# --- The whole way ---------------------------------------------------------------------------


def test_from_draft_to_approval_through_the_pages(network):
    application = network.own_application
    advisor, staff = client_for(network.advisor), client_for(network.staff)

    response = step(network.advisor, application, "submit", {"comment": ""})
    assert response.status_code == 302
    assert fresh(application).status == S.SUBMITTED

    # The back office sees the way to the template; marking needs the template first.
    detail = staff.get(reverse("application_detail", args=[application.pk]))
    assert detail.context["can_prepare"] is True
    assert detail.context["workflow_template_written"] is False
    assert staff.get(prepare_url(application)).status_code == 200
    response = staff.post(
        prepare_url(application),
        {
            "staff_assessment": "Erfahrene Schneiderin, stabile Kundschaft.",
            "recommendation": "Bewilligung über 5.000 € für 24 Monate.",
            "action": "prepare",
        },
    )
    assert response.status_code == 302
    assert fresh(application).status == S.PREPARED

    # The committee decides: its ballot puts the application before it, and closing it after
    # the members voted approves (the committee's pages have their own tests).
    with scopes_disabled():
        committee = Committee.objects.get(quarter=application.quarter)
        ballot = committee_services.ballot_open(
            committee=committee,
            kind=Ballot.Kind.MEETING,
            title="Sitzung",
            applications=[application],
            actor=network.staff,
            meeting_on=timezone.now(),
        )
        assert fresh(application).status == S.BEFORE_COMMITTEE
        committee_services.vote_cast(
            case=ballot.cases.get(), member=network.committee_member, choice="approve"
        )
        committee_services.ballot_close(ballot=ballot, actor=network.staff)
    application = fresh(application)
    assert application.status == S.APPROVED
    assert application.decided_at is not None

    detail = advisor.get(reverse("application_detail", args=[application.pk]))
    steps = [(c.from_status, c.to_status) for c in detail.context["status_changes"]]
    assert steps == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.PREPARED),
        (S.PREPARED, S.BEFORE_COMMITTEE),
        (S.BEFORE_COMMITTEE, S.APPROVED),
    ]
    assert "Vergabeausschuss: 1 Ja" in detail.content.decode()
    # Approved: the loan can still be given up (withdrawn), which frees the fund's capacity.
    assert detail.context["workflow_withdraw"] is not None
    assert detail.context["workflow_forward"] == []
    assert len(status_audits(application)) == 4


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_each_step_asks_for_exactly_what_it_needs(name):
    transition = TRANSITIONS[name]
    fields = set(TransitionForm(transition=transition).fields)
    if transition.needs_outcome:
        assert fields == {"outcome", "outcome_note"}
    elif transition.needs_conditions:
        assert fields == {"conditions"}
    else:
        assert fields == {"comment"}
