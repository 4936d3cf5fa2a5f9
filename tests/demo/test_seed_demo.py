"""`manage.py seed_demo` builds the demo network of DOMAIN.md.

The tests here read one seed, made once for the module; those that seed for themselves (a
second run, a run on data already there, the seed's commit) are in test_seed_demo_again.py."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pypdf import PdfReader

from committees import pdf as committee_pdf
from committees import selectors as committee_selectors
from committees.models import Ballot, BallotCase, Committee, CommitteeMembership, Vote
from credits import loan_selectors
from credits import selectors as credit_selectors
from credits.models import (
    Application,
    ApplicationTransition,
    CapacityReservation,
    Loan,
    LoanProduct,
)
from guarantors import selectors as guarantor_selectors
from miqua.accounts.models import Role, User
from miqua.accounts.scoping import visible_quarter_ids
from miqua.audit.models import AuditEntry
from quarters.models import (
    FundContribution,
    LiabilityFund,
    Municipality,
    Organisation,
    Quarter,
)
from quarters.selectors import fund_figures_for
from tests.demo_seed import seeded_once

pytestmark = pytest.mark.django_db

QUARTERS = {
    "offenbach": {"offenbach-oestliche-innenstadt"},
    "duisburg": {"duisburg-hochfeld", "duisburg-marxloh"},
    "gelsenkirchen": {"gelsenkirchen-sued-ost"},
    "leipzig": {"leipzig-eisenbahnstrasse", "leipzig-gruenau"},
    "kiel": {"kiel-gaarden"},
    "nuernberg": {"nuernberg-suedstadt"},
    "pforzheim": {"pforzheim-weststadt"},
}

FUND_PARTNERS = {
    "offenbach-oestliche-innenstadt": {
        "Stadt Offenbach",
        "Sparkasse Offenbach",
        "IHK Offenbach",
        "GBO",
    },
    "duisburg-hochfeld": {"Stadt Duisburg", "Sparkasse Duisburg", "EG DU"},
    "duisburg-marxloh": {"Stadt Duisburg", "Sparkasse Duisburg", "EG DU"},
    "gelsenkirchen-sued-ost": {"Stadt Gelsenkirchen"},
    "leipzig-eisenbahnstrasse": {"Stadt Leipzig", "Sparkasse Leipzig"},
    "leipzig-gruenau": {"Stadt Leipzig", "Sparkasse Leipzig"},
    "kiel-gaarden": {"Landeshauptstadt Kiel"},
    "nuernberg-suedstadt": {"Stadt Nürnberg"},
    "pforzheim-weststadt": {"Sparkasse Pforzheim", "GBE"},
}

USERS = {
    "admin@miqua.example": Role.ADMINISTRATOR,
    "staff@kiz.example": Role.STAFF,
    "staff2@kiz.example": Role.STAFF,
    "advisor.offenbach@miqua.example": Role.ADVISOR,
    "advisor.duisburg@miqua.example": Role.ADVISOR,
    "committee.offenbach@miqua.example": Role.COMMITTEE_MEMBER,
    "city.leipzig@miqua.example": Role.MUNICIPALITY_VIEWER,
    # The other members of the Offenbach and Duisburg-Marxloh committees.
    "ingrid.hartmann@miqua.example": Role.COMMITTEE_MEMBER,
    "stefan.wolf@miqua.example": Role.COMMITTEE_MEMBER,
    "serkan.aydemir@miqua.example": Role.COMMITTEE_MEMBER,
    "monika.becker@miqua.example": Role.COMMITTEE_MEMBER,
    "frank.schulte@miqua.example": Role.COMMITTEE_MEMBER,
    "sandra.kuepper@miqua.example": Role.COMMITTEE_MEMBER,
    "murat.kilic@miqua.example": Role.COMMITTEE_MEMBER,
    "dirk.lehmann@miqua.example": Role.COMMITTEE_MEMBER,
}
COMMITTEE_OF = "Vergabeausschuss Offenbach östliche Innenstadt"
COMMITTEE_MARXLOH = "Vergabeausschuss Duisburg-Marxloh"


@pytest.fixture(scope="module", autouse=True)
def seeded_demo(django_db_setup, django_db_blocker):
    """One seed for the whole module, with a short loan history (tests/demo_seed.py; the whole
    one is measured in test_loan_history.py): the tests here only read it, each in its own
    transaction. What it printed is the fixture's value."""
    with seeded_once(django_db_blocker) as out:
        yield out


def test_seed_demo_creates_the_seven_municipalities_and_their_quarters():
    with scopes_disabled():
        found = {
            m.slug: set(m.quarters.values_list("slug", flat=True))
            for m in Municipality.objects.all()
        }
    assert found == QUARTERS


def test_seed_demo_gives_every_quarter_a_fund_with_leverage_five_and_a_committee():
    with scopes_disabled():
        for quarter in Quarter.objects.all():
            assert quarter.fund.leverage_factor == Decimal("5.00")
            assert Committee.objects.filter(quarter=quarter).count() == 1
        assert not Committee.objects.filter(quarter__isnull=True).exists()


def test_seed_demo_funds_hold_the_partners_contributions_from_2009():
    with scopes_disabled():
        for slug, partners in FUND_PARTNERS.items():
            contributions = FundContribution.objects.filter(fund__quarter__slug=slug)
            assert set(contributions.values_list("partner__name", flat=True)) == partners
            assert {c.paid_on.year for c in contributions} == {2009}
        first = FundContribution.objects.order_by("paid_on").first()
    assert first.fund.quarter.slug == "offenbach-oestliche-innenstadt"
    assert (first.paid_on.year, first.paid_on.month) == (2009, 2)


def test_seed_demo_has_the_microfinancier_and_the_bank_network_wide():
    with scopes_disabled():
        kiz = Organisation.objects.get(name="KIZ")
        gls = Organisation.objects.get(name="GLS Bank")
    assert (kiz.kind, kiz.municipality) == (Organisation.Kind.MICROFINANCIER, None)
    assert (gls.kind, gls.municipality) == (Organisation.Kind.BANK, None)


def test_seed_demo_every_fund_has_20_to_25_thousand_capital_and_five_times_capacity():
    with scopes_disabled():
        funds = list(LiabilityFund.objects.all())
        figures = fund_figures_for(funds=funds)
        start_capital = {
            fund.pk: sum(fund.contributions.values_list("amount", flat=True)) for fund in funds
        }
        # The three defaults of the history cost their funds what the guarantors did not pay.
        losses = {
            fund.pk: sum(fund.ledger_entries.values_list("amount", flat=True)) for fund in funds
        }
    assert len(funds) == 9
    assert sum(1 for loss in losses.values() if loss > 0) == 3
    for fund in funds:
        f = figures[fund.pk]
        assert Decimal("20000.00") <= start_capital[fund.pk] <= Decimal("25000.00"), fund.name
        assert f.paid_in_capital == start_capital[fund.pk] - losses[fund.pk], fund.name
        assert isinstance(f.paid_in_capital, Decimal)
        assert f.lending_capacity == 5 * f.paid_in_capital
        assert f.available_capacity == f.lending_capacity - f.outstanding_exposure


def test_seed_demo_running_loans_use_capacity_and_stay_below_it():
    with scopes_disabled():
        figures = {
            fund.quarter.slug: f
            for fund in LiabilityFund.objects.select_related("quarter")
            for f in [fund_figures_for(funds=[fund])[fund.pk]]
        }
        running = list(Loan.objects.filter(status=Loan.Status.RUNNING).select_related("quarter"))
        repaid = loan_selectors.principal_repaid_by_loan(loan_ids=[loan.pk for loan in running])
        reserved = CapacityReservation.objects.filter(released_at__isnull=True)
        by_quarter = {
            slug: sum(
                (loan.amount - repaid[loan.pk] for loan in running if loan.quarter.slug == slug),
                Decimal("0.00"),
            )
            + sum((r.amount for r in reserved if r.quarter.slug == slug), Decimal("0.00"))
            for slug in figures
        }
        statuses = set(Loan.objects.values_list("status", flat=True))
    assert statuses == {Loan.Status.RUNNING, Loan.Status.REPAID, Loan.Status.DEFAULTED}
    for slug in ("offenbach-oestliche-innenstadt", "duisburg-hochfeld", "duisburg-marxloh"):
        assert figures[slug].outstanding_exposure > 0, slug
    for slug, f in figures.items():
        # Running loans with their principal still owed (from the ledger), approvals not yet
        # paid out with their reservation; repaid and defaulted loans not at all.
        assert f.outstanding_exposure == by_quarter[slug], slug
        assert f.outstanding_exposure < f.lending_capacity, slug


def test_seed_demo_has_the_network_loan_product_of_the_documents():
    with scopes_disabled():
        product = LoanProduct.objects.get(name="MIQUA-Mikrokredit")
        quarters = list(Quarter.objects.all())
        chosen = {credit_selectors.product_for_quarter(quarter=q) for q in quarters}
    assert product.quarter is None
    assert product.is_active
    assert (
        product.min_amount,
        product.first_loan_max,
        product.second_loan_max,
        product.max_amount,
    ) == (Decimal("500"), Decimal("10000"), Decimal("15000"), Decimal("20000"))
    assert product.max_term_months == 36
    assert product.interest_rate == Decimal("8.56")
    assert product.instalment_day == 30
    assert product.guarantee_share == Decimal("50")
    assert product.min_guarantors == 2
    assert chosen == {product}


DEMO_STATES = {
    "offenbach-oestliche-innenstadt": {
        Application.Status.DRAFT,
        Application.Status.SUBMITTED,
        Application.Status.PREPARED,
        Application.Status.BEFORE_COMMITTEE,
        Application.Status.APPROVED,
    },
    "duisburg-hochfeld": {
        Application.Status.DRAFT,
        Application.Status.WITHDRAWN,
        Application.Status.REJECTED,
    },
    # Lebensmittel Çelik was prepared, then approved by the committee's meeting.
    "duisburg-marxloh": {
        Application.Status.SUBMITTED,
        Application.Status.APPROVED,
        Application.Status.APPROVED_WITH_CONDITIONS,
    },
}


def test_seed_demo_applications_stand_in_every_state_of_the_workflow():
    with scopes_disabled():
        found: dict[str, set[str]] = {}
        # The applications of the demo's loans were decided before (loan_history.py).
        open_cases = Application.objects.filter(loan__isnull=True)
        for a in open_cases.select_related("quarter"):
            found.setdefault(a.quarter.slug, set()).add(a.status)
        amounts = [a for a in open_cases.values_list("amount", flat=True)]
    assert found == DEMO_STATES
    average = sum(amounts) / len(amounts)
    assert Decimal("5000") <= average <= Decimal("6500")
    assert all(Decimal("500") <= amount <= Decimal("10000") for amount in amounts)


def test_seed_demo_steps_were_taken_by_the_advisor_and_the_back_office():
    with scopes_disabled():
        advisors = {
            "offenbach-oestliche-innenstadt": "advisor.offenbach@miqua.example",
            "duisburg-hochfeld": "advisor.duisburg@miqua.example",
            "duisburg-marxloh": "advisor.duisburg@miqua.example",
        }
        for a in Application.objects.filter(loan__isnull=True).select_related("quarter", "advisor"):
            assert a.advisor.email == advisors[a.quarter.slug]
            steps = list(a.transitions.select_related("actor"))
            if a.status == Application.Status.DRAFT:
                assert steps == []
                continue
            assert (steps[0].to_status, steps[0].actor) == (Application.Status.SUBMITTED, a.advisor)
            assert a.submitted_at is not None
            for step in steps[1:]:
                if step.to_status != Application.Status.WITHDRAWN:
                    assert step.actor.email == "staff@kiz.example", step
            # Every step left its audit entry, by the same person.
            entries = AuditEntry.objects.filter(
                action="application.status_changed", object_id=str(a.pk)
            )
            assert sorted(e.actor_id for e in entries) == sorted(s.actor_id for s in steps)
        assert ApplicationTransition.objects.filter(actor__isnull=True).count() == 0


def test_seed_demo_submitted_applications_have_two_guarantors_covering_half():
    with scopes_disabled():
        for a in Application.objects.exclude(status=Application.Status.DRAFT):
            cover = guarantor_selectors.guarantee_cover(application=a)
            assert cover.count == 2, a
            assert cover.total == a.amount / 2, a
            assert cover.is_sufficient
        prepared = Application.objects.exclude(
            status__in=[
                Application.Status.DRAFT,
                Application.Status.SUBMITTED,
                Application.Status.WITHDRAWN,
            ]
        )
        assert prepared.exists()
        assert all(a.staff_assessment and a.recommendation for a in prepared)


def test_seed_demo_withdrawn_application_records_the_guarantors_private_loan():
    with scopes_disabled():
        withdrawn = Application.objects.get(status=Application.Status.WITHDRAWN)
    assert withdrawn.outcome == Application.Outcome.GUARANTOR_LENT
    assert withdrawn.outcome_note


def test_seed_demo_approved_application_is_a_repeat_borrowers_second_loan():
    with scopes_disabled():
        approved = Application.objects.select_related("borrower").get(
            status=Application.Status.APPROVED,
            business_name="Friseursalon Nuray",
            loan__isnull=True,
        )
        earlier = list(credit_selectors.earlier_loans(borrower=approved.borrower))
        cycle = credit_selectors.loan_cycle(borrower=approved.borrower, application=approved)
        created = AuditEntry.objects.get(action="application.created", object_id=str(approved.pk))
        instalments = list(
            earlier[0].instalments.filter(is_current=True).values_list("due_on", "settled_on")
        )
    assert cycle == 2
    assert [(loan.disbursed_on.year, loan.status) for loan in earlier] == [
        (2010, Loan.Status.REPAID)
    ]
    # Paid in full, on time: no instalment open, none paid after its due date.
    assert len(instalments) == 24
    assert [(due, paid) for due, paid in instalments if paid is None or paid > due] == []
    assert approved.amount == Decimal("8000.00")
    assert approved.decided_at is not None
    assert created.changes["recognised"] is True


def test_seed_demo_creates_the_users_with_their_roles():
    with scopes_disabled():
        users = {u.email: u for u in User.objects.all()}
    assert {email: users[email].role for email in USERS} == USERS
    assert set(users) == set(USERS)
    for user in users.values():
        assert user.language == "de"
        assert len(user.full_name.split()) >= 2
    assert users["admin@miqua.example"].is_superuser
    assert not users["staff@kiz.example"].is_superuser
    assert users["staff@kiz.example"].organisation.name == "KIZ"


@pytest.mark.parametrize("email", USERS)
def test_seed_demo_users_log_in_with_the_demo_password(email):
    user = authenticate(email=email, password="miqua-demo")

    assert user is not None
    assert user.email == email
    assert authenticate(email=email, password="wrong-password") is None


@pytest.mark.parametrize("email", ["admin@miqua.example", "staff@kiz.example"])
def test_seed_demo_staff_sign_in_with_the_password_alone_where_staff_need_a_second_factor(
    email, settings, client
):
    settings.MIQUA_MFA_REQUIRED = True

    client.post(reverse("account_login"), {"login": email, "password": "miqua-demo"})

    assert client.get("/loans/").status_code == 200
    with scopes_disabled():
        assert all(User.objects.values_list("mfa_exempt", flat=True))


def test_seed_demo_users_see_what_their_role_promises():
    with scopes_disabled():
        users = {u.email: u for u in User.objects.all()}
        slugs = dict(Quarter.objects.values_list("pk", "slug"))

    def sees(email):
        ids = visible_quarter_ids(users[email])
        return None if ids is None else {slugs[pk] for pk in ids}

    assert sees("admin@miqua.example") is None
    assert sees("staff@kiz.example") is None
    assert sees("advisor.offenbach@miqua.example") == {"offenbach-oestliche-innenstadt"}
    assert sees("advisor.duisburg@miqua.example") == QUARTERS["duisburg"]
    assert sees("committee.offenbach@miqua.example") == {"offenbach-oestliche-innenstadt"}
    assert sees("ingrid.hartmann@miqua.example") == {"offenbach-oestliche-innenstadt"}
    # The Duisburg partners send the same people to the committees of Marxloh and Hochfeld.
    assert sees("frank.schulte@miqua.example") == QUARTERS["duisburg"]
    assert sees("city.leipzig@miqua.example") == QUARTERS["leipzig"]


def test_seed_demo_committee_member_sits_for_sparkasse_offenbach_since_2009():
    with scopes_disabled():
        membership = CommitteeMembership.objects.select_related(
            "member", "organisation", "committee__quarter"
        ).get(member__email="committee.offenbach@miqua.example")
    # An ordinary member: the city's member chairs.
    assert not membership.is_chair
    assert membership.member.organisation.name == "Sparkasse Offenbach"
    assert membership.organisation.name == "Sparkasse Offenbach"
    assert membership.committee.quarter.slug == "offenbach-oestliche-innenstadt"
    assert str(membership.starts_on) == "2009-01-01"
    assert membership.ends_on is None


@pytest.mark.parametrize(
    ("committee", "partners", "chair"),
    [
        (
            COMMITTEE_OF,
            {
                "Stadt Offenbach",
                "Sparkasse Offenbach",
                "IHK Offenbach",
                "Jobcenter Offenbach",
                "GBO",
            },
            "ingrid.hartmann@miqua.example",
        ),
        (
            COMMITTEE_MARXLOH,
            {"Stadt Duisburg", "Sparkasse Duisburg", "EG DU", "Jobcenter Duisburg"},
            "frank.schulte@miqua.example",
        ),
    ],
)
def test_seed_demo_committees_have_a_member_of_each_partner_and_a_chair(committee, partners, chair):
    with scopes_disabled():
        memberships = list(
            CommitteeMembership.objects.filter(committee__name=committee).select_related(
                "member__organisation", "organisation"
            )
        )
    assert {m.organisation.name for m in memberships} == partners
    assert len(memberships) == len(partners)
    assert all(m.member.organisation == m.organisation for m in memberships)
    assert [m.member.email for m in memberships if m.is_chair] == [chair]
    assert all(m.member.role == Role.COMMITTEE_MEMBER for m in memberships)


def test_seed_demo_offenbach_has_an_open_written_procedure_the_demo_login_can_vote_in():
    with scopes_disabled():
        ballot = Ballot.objects.select_related("committee").get(
            committee__name=COMMITTEE_OF, status=Ballot.Status.OPEN
        )
        case = ballot.cases.select_related("application").get()
        voters = set(case.votes.values_list("member__email", flat=True))
        choices = set(case.votes.values_list("choice", flat=True))
        member = User.objects.get(email="committee.offenbach@miqua.example")
        may_vote = committee_selectors.is_member(
            user=member, committee=ballot.committee, day=committee_selectors.ballot_day(ballot)
        )
        audit = AuditEntry.objects.filter(action="ballot.opened", object_id=str(ballot.pk))
    assert (ballot.kind, ballot.status) == (Ballot.Kind.WRITTEN, Ballot.Status.OPEN)
    assert timezone.now() + timedelta(days=2) < ballot.deadline < timezone.now() + timedelta(days=8)
    assert case.application.business_name == "Übersetzungsbüro Kovalenko"
    assert case.application.status == Application.Status.BEFORE_COMMITTEE
    assert case.result == BallotCase.Result.PENDING
    assert voters == {"ingrid.hartmann@miqua.example", "stefan.wolf@miqua.example"}
    assert Vote.Choice.APPROVE_WITH_CONDITIONS in choices
    assert may_vote
    assert audit.get().actor.email == "staff@kiz.example"


def test_seed_demo_duisburg_marxloh_has_a_closed_meeting_that_approved_celik():
    with scopes_disabled():
        ballot = Ballot.objects.get(
            committee__name=COMMITTEE_MARXLOH, title="Sitzung im Bezirksrathaus Hamborn"
        )
        case = ballot.cases.select_related("application").get()
        present = set(ballot.attendees.values_list("email", flat=True))
        recused = case.votes.get(choice=Vote.Choice.RECUSED)
        reservation = CapacityReservation.objects.get(application=case.application)
        step = case.application.transitions.get(to_status=Application.Status.APPROVED)
    assert (ballot.kind, ballot.status) == (Ballot.Kind.MEETING, Ballot.Status.CLOSED)
    assert ballot.closed_by.email == "staff@kiz.example"
    assert ballot.location
    assert present == {
        "frank.schulte@miqua.example",
        "sandra.kuepper@miqua.example",
        "murat.kilic@miqua.example",
    }
    assert case.application.business_name == "Lebensmittel Çelik"
    assert case.result == BallotCase.Result.APPROVED
    assert case.application.status == Application.Status.APPROVED
    assert (case.reasoning["eligible"], case.reasoning["yes"]) == (3, 2)
    assert recused.member.email == "sandra.kuepper@miqua.example"
    assert reservation.amount == case.application.amount
    assert reservation.released_at is None
    assert step.actor.email == "staff@kiz.example"


def test_seed_demo_meeting_has_minutes(settings):
    with scopes_disabled():
        ballot = Ballot.objects.get(title="Sitzung im Bezirksrathaus Hamborn")
        content = committee_pdf.minutes_pdf(ballot=ballot)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace(
        "\u00a0", " "
    )
    for name in ("Frank Schulte", "Sandra Küpper", "Murat Kılıç", "Dirk Lehmann", "Ahmet Çelik"):
        assert name in text
    assert "Protokoll des Vergabeausschusses" in text


def test_seed_demo_every_decision_was_taken_by_a_committee_ballot():
    with scopes_disabled():
        # The applications of the demo's loans were decided on paper (loan_history.py).
        decided = Application.objects.filter(loan__isnull=True).filter(
            status__in=[
                Application.Status.APPROVED,
                Application.Status.APPROVED_WITH_CONDITIONS,
                Application.Status.REJECTED,
            ]
        )
        assert decided.count() >= 3
        for application in decided:
            case = application.ballot_cases.get(ballot__status=Ballot.Status.CLOSED)
            assert case.result == application.status
            assert case.reasoning["quorum_met"] is True


def test_seed_demo_prints_the_logins_and_the_password(seeded_demo):
    out = seeded_demo

    for email in USERS:
        assert email in out
    assert "miqua-demo" in out
    assert re.search(r"created \d+ objects, 0 already present", out)
