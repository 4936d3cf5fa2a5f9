"""The servicing pages: what they do when posted, that a form shown again keeps what was typed,
and the loan page's panels (rendered from the panel registry)."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scopes_disabled

from credits import servicing
from credits.extensions import add_loan_panels
from credits.models import FundLedgerEntry, Loan, ScheduleVersion
from credits.servicing_selectors import payoff_amount, schedule_versions
from guarantors.models import GuarantorClaim
from tests import factories
from tests.clients import client_for

D = Decimal
V = ScheduleVersion


@pytest.fixture
def loan(network, second_staff):
    with scopes_disabled():
        loan = factories.paid_out_loan(
            quarter=network.own_quarter, recorder=network.staff, confirmer=second_staff
        )
        factories.GuaranteeFactory(application=loan.application, amount=D("1250.00"))
        return loan


def _propose_longer_term(network, loan) -> ScheduleVersion:
    with scopes_disabled():
        return servicing.rescheduling_propose(
            loan=loan,
            kind=V.Kind.LONGER_TERM,
            term_months=30,
            reason="Saisonbetrieb im Winter",
            actor=network.staff,
            today=datetime.date(2025, 2, 1),
        )


def test_a_proposal_without_reason_is_shown_again_with_what_was_typed(network, loan):
    response = client_for(network.staff).post(
        reverse("rescheduling_propose", args=[loan.pk]),
        {"kind": "longer_term", "term_months": "31", "reason": ""},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="31"' in body
    with scopes_disabled():
        assert not V.objects.filter(loan=loan, status=V.Status.PROPOSED).exists()


def test_proposed_by_one_and_approved_by_another_on_the_pages(network, loan, second_staff):
    response = client_for(network.staff).post(
        reverse("rescheduling_propose", args=[loan.pk]),
        {"kind": "pause", "pause_months": "2", "reason": "Krankheit"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        proposal = V.objects.get(loan=loan, status=V.Status.PROPOSED)
    decide = reverse("rescheduling_decide", args=[loan.pk, proposal.pk])

    # The proposer's own approval is refused with a message, the schedule stays proposed.
    client_for(network.staff).post(decide, {"decision": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == V.Status.PROPOSED
    client_for(second_staff).post(decide, {"decision": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == V.Status.ACTIVE


def test_the_early_repayment_page_shows_the_payoff_and_closes_the_loan(network, loan):
    day = datetime.date(2025, 3, 10)
    with scopes_disabled():
        payoff = payoff_amount(loan=loan, day=day)
    client = client_for(network.staff)

    page = client.get(reverse("loan_repay_early", args=[loan.pk]), {"day": "10.03.2025"})
    assert page.status_code == 200
    assert payoff.total > 0
    too_little = client.post(
        reverse("loan_repay_early", args=[loan.pk]),
        {"value_date": "10.03.2025", "amount": "100,00"},
    )
    assert too_little.status_code == 400
    assert "100,00" in too_little.content.decode()
    done = client.post(
        reverse("loan_repay_early", args=[loan.pk]),
        {"value_date": "10.03.2025", "amount": str(payoff.total).replace(".", ",")},
    )

    assert done.status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == (Loan.Status.REPAID, day)


def test_default_then_a_guarantor_pays_and_the_borrower_pays_later(network, loan):
    client = client_for(network.staff)
    response = client.post(
        reverse("loan_default", args=[loan.pk]),
        {"day": "15.06.2025", "reason": "Geschäft aufgegeben"},
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == Loan.Status.DEFAULTED
    with scopes_disabled():
        claim = GuarantorClaim.objects.get(loan=loan)
        written_off = FundLedgerEntry.objects.get(loan=loan).amount
    assert claim.amount_demanded == D("1250.00")

    missing = client.post(reverse("claim_update", args=[claim.pk]), {"action": "pay"})
    assert missing.status_code == 400
    paid = client.post(
        reverse("claim_update", args=[claim.pk]),
        {"action": "pay", "amount": "200,00", "day": "20.06.2025"},
    )
    assert paid.status_code == 302
    claim.refresh_from_db()
    assert (claim.amount_paid, claim.status) == (D("200.00"), GuarantorClaim.Status.PARTLY_PAID)

    # A defaulted loan's page takes money paid after the default: back to the fund first.
    recovered = client.post(
        reverse("loan_default", args=[loan.pk]), {"amount": "50,00", "value_date": "01.07.2025"}
    )
    assert recovered.status_code == 302
    with scopes_disabled():
        assert FundLedgerEntry.objects.get(loan=loan, kind="recovery").amount == D("50.00")
    assert written_off > D("50.00")


def test_the_loan_panels_show_versions_with_the_decision_buttons_and_the_claims(
    network, loan, second_staff
):
    proposal = _propose_longer_term(network, loan)
    request = RequestFactory().get("/")
    request.user = second_staff
    context: dict[str, object] = {"loan": loan, "request": request}
    with scopes_disabled():
        add_loan_panels(context, request, loan)
        html = "".join(
            render_to_string(t, context, request=request) for t in context["loan_panels"]
        )
    assert "Saisonbetrieb im Winter" in html
    assert reverse("rescheduling_decide", args=[loan.pk, proposal.pk]) in html
    # The proposer sees the proposal but no buttons.
    request.user = network.staff
    context = {"loan": loan, "request": request}
    with scopes_disabled():
        add_loan_panels(context, request, loan)
        html = "".join(
            render_to_string(t, context, request=request) for t in context["loan_panels"]
        )
    assert 'value="approve"' not in html
    assert "Saisonbetrieb im Winter" in html

    with scopes_disabled():
        servicing.loan_declare_default(
            loan=loan, reason="Insolvenz", day=datetime.date(2025, 6, 15), actor=network.staff
        )
        loan.refresh_from_db()
        context = {"loan": loan, "request": request}
        add_loan_panels(context, request, loan)
        html = "".join(
            render_to_string(t, context, request=request) for t in context["loan_panels"]
        )
        claim = GuarantorClaim.objects.get(loan=loan)
    assert reverse("claim_update", args=[claim.pk]) in html


def test_a_loan_never_rescheduled_shows_its_instalments_once_a_rescheduled_one_per_version(
    network, loan, django_assert_num_queries
):
    """The version in force of a loan never rescheduled is the schedule on the page, row for
    row: its panel points there instead of a second table. A proposal shows its own."""
    url = reverse("loan_detail", args=[loan.pk])
    client = client_for(network.staff)

    def panel() -> str:
        body = client.get(url).content.decode()
        return body.split('id="schedule-versions"', 1)[1].split("</section>", 1)[0]

    once = panel()
    assert 'href="#schedule"' in once
    assert "<table>" not in once
    with scopes_disabled(), django_assert_num_queries(1):  # its instalments are not read
        [only] = schedule_versions(loan=loan)
    assert (only.is_the_schedule, only.instalments, only.principal) == (True, [], loan.amount)
    _propose_longer_term(network, loan)
    assert panel().count("<table>") == 2  # the proposal and the version in force
    with scopes_disabled():
        proposal, in_force = schedule_versions(loan=loan)
    assert not proposal.is_the_schedule
    assert proposal.principal == sum(i.principal for i in proposal.instalments) > 0
    assert in_force.principal == loan.amount
