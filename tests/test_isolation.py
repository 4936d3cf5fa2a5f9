"""The tenant boundary, walked: every URL of the project against every role.

EXPECTED is the whole matrix: for each URL name the exact answer every role gets on its own
quarter's objects (200, a redirect and where to, 403 or 404). A URL without a row fails
`test_every_url_is_covered`, so a new page cannot slip past the walk. On top of the matrix:
a URL that carries a quarter's object answers 404 when the object belongs to a quarter the role
may not see (the same URL with the role's own quarter works, so the 404 is no accident of a
broken URL), while the back office gets the same answers in every quarter; pages with personal
data never open to a municipality viewer or a committee member; the Django admin is walked with
a table of its own.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote, urlencode

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from committees.models import Ballot, BallotCase, Committee
from credits import loan_services
from credits.models import Application, ApplicationDocument, Loan
from guarantors.models import Guarantee
from miqua.accounts.models import Role, User
from miqua.audit.models import AuditEntry
from quarters.models import Organisation, Quarter

from . import factories
from .conftest import Network

# What the guarantee form takes for a new guarantor.
GUARANTEE_FORM_DATA: dict[str, object] = {
    "first_name": "Fatma",
    "last_name": "Demir",
    "relation": "Schwester",
    "amount": "1.000",
}
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ANONYMOUS = "anonymous"
# The columns of EXPECTED, in this order.
ROLES = (ANONYMOUS, "advisor", "committee_member", "municipality_viewer", "staff", "administrator")
NETWORK_ROLES = frozenset({"staff", "administrator"})


@dataclass(frozen=True)
class Target:
    """One quarter's objects: what the arguments of a URL point at."""

    quarter: Quarter
    application: Application  # a complete draft with two guarantees
    submitted: Application  # waiting for the back office
    guarantee: Guarantee
    document: ApplicationDocument
    ballot: Ballot  # open, of the quarter's committee, with `submitted` as its case
    closed_ballot: Ballot
    # Loans: an approved application awaiting its payout, a running loan, and a payout
    # recorded by another member of staff, awaiting confirmation.
    approved: Application | None = None
    loan: Loan | None = None
    pending_loan: Loan | None = None


def _slug(target: Target) -> dict[str, object]:
    return {"slug": target.quarter.slug}


def _application(target: Target) -> dict[str, object]:
    return {"pk": target.application.pk}


def _ballot(target: Target) -> dict[str, object]:
    return {"pk": target.ballot.pk}


def _case(target: Target) -> dict[str, object]:
    with scopes_disabled():
        return {"pk": target.ballot.pk, "case_pk": target.ballot.cases.get().pk}


def _contribution(target: Target) -> dict[str, object]:
    with scopes_disabled():
        partner = Organisation.objects.first()
    paid_on = date(2010, 1, 4).isoformat()
    return {"partner": str(partner.pk), "paid_on": paid_on, "amount": "1.000,00"}


def _pdf_upload(target: Target) -> dict[str, object]:
    return {"file": SimpleUploadedFile("Ausweis.pdf", TINY_PDF), "kind": "identity"}


# --- Keeping a loan (servicing): a running loan with a proposed new schedule, and a defaulted
# loan with a guarantor's claim, made once per quarter on first use (outside the rolled-back
# request, so every role is asked about the same objects).


def _servicing_loans(target: Target) -> tuple[object, object, object]:
    from credits import servicing
    from credits.models import Loan, ScheduleVersion
    from guarantors.models import GuarantorClaim

    with scopes_disabled():
        running = Loan.objects.filter(
            quarter=target.quarter, contract_number__startswith="SRV-R"
        ).first()
        if running is None:
            staff = User.objects.filter(role=Role.STAFF).first()
            administrator = User.objects.filter(role=Role.ADMINISTRATOR).first()
            running, defaulted = (
                factories.paid_out_loan(
                    quarter=target.quarter,
                    recorder=staff,
                    confirmer=administrator,
                    contract_number=f"SRV-{kind}-{target.quarter.pk}",
                )
                for kind in ("R", "D")
            )
            servicing.rescheduling_propose(
                loan=running,
                kind=ScheduleVersion.Kind.PAUSE,
                pause_months=2,
                reason="Krankheit",
                actor=administrator,
                today=date(2025, 2, 1),
            )
            factories.GuaranteeFactory(application=defaulted.application)
            servicing.loan_declare_default(
                loan=defaulted, reason="Insolvenz", day=date(2025, 6, 15), actor=staff
            )
        defaulted = Loan.objects.get(contract_number=f"SRV-D-{target.quarter.pk}")
        proposal = ScheduleVersion.objects.get(loan=running, status=ScheduleVersion.Status.PROPOSED)
        claim = GuarantorClaim.objects.get(loan=defaulted)
        return running, proposal, claim


def _running_loan(target: Target) -> dict[str, object]:
    return {"pk": _servicing_loans(target)[0].pk}


def _proposal(target: Target) -> dict[str, object]:
    running, proposal, _claim = _servicing_loans(target)
    return {"pk": running.pk, "version_pk": proposal.pk}


def _claim(target: Target) -> dict[str, object]:
    return {"pk": _servicing_loans(target)[2].pk}


def _bank_entry() -> dict[str, object]:
    """A statement's entry awaiting review. Statements belong to no quarter: every target
    points at the same one."""
    from credits.models import BankEntry, BankStatement

    with scopes_disabled():
        entry = BankEntry.objects.filter(entry_key="isolation-walk").first()
        if entry is None:
            statement = BankStatement.objects.create(file_name="walk.xml", file_format="csv")
            entry = BankEntry.objects.create(
                statement=statement,
                entry_key="isolation-walk",
                booking_date=date(2025, 3, 4),
                value_date=date(2025, 3, 4),
                amount=1,
                is_credit=True,
                status=BankEntry.Status.REVIEW,
            )
        return {"statement": entry.statement_id, "entry": entry.pk}


def _loan(target: Target) -> dict[str, object]:
    return {"pk": target.loan.pk}


def _borrower(target: Target) -> dict[str, object]:
    return {"pk": target.loan.borrower_id}


def _contact(target: Target) -> dict[str, object]:
    return {"contacted_on": timezone.localdate().isoformat(), "channel": "phone", "note": "Rate"}


def _payment(target: Target) -> dict[str, object]:
    return {"amount": "100,00", "value_date": timezone.localdate().isoformat(), "note": "Bar"}


# --- The monthly check on the 15th: the network's, not a quarter's. Made once on first use
# (after every quarter's loans, all unpaid that day: above the standard), with an open quality
# measure, outside the rolled-back request.
CHECK_DAY = date(2025, 3, 15)


def _monthly_check() -> tuple[object, object]:
    from monitoring import quality_services, services
    from monitoring.models import MonthlyCheck, QualityMeasure

    with scopes_disabled():
        check = MonthlyCheck.objects.filter(as_of=CHECK_DAY).first()
        if check is None:
            check = services.monthly_check_run(as_of=CHECK_DAY)
            quality_services.quality_measure_record(
                check=check,
                text="Telefonaktion",
                actor=User.objects.filter(role=Role.STAFF).first(),
            )
        return check, QualityMeasure.objects.get(check_run=check)


def _check(target: Target) -> dict[str, object]:
    return {"as_of": _monthly_check()[0].as_of}  # type: ignore[attr-defined]


def _measure(target: Target) -> dict[str, object]:
    return {"pk": _monthly_check()[1].pk}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Request:
    """How a URL is asked for, when a plain GET without arguments will not do."""

    # Builds the URL kwargs from one quarter's objects.
    kwargs: Callable[[Target], dict[str, object]] | None = None
    method: str = "get"
    data: Callable[[Target], dict[str, object]] | None = None


REQUESTS: dict[str, Request] = {
    "quarter_detail": Request(kwargs=_slug),
    "contribution_create": Request(kwargs=_slug, method="post", data=_contribution),
    "language_set": Request(method="post", data=lambda t: {"language": "en", "next": "/"}),
    "application_detail": Request(kwargs=_application),
    "application_edit": Request(kwargs=lambda t: {"pk": t.application.pk, "step": "business"}),
    "guarantee_add": Request(
        kwargs=_application, method="post", data=lambda t: GUARANTEE_FORM_DATA
    ),
    "guarantee_remove": Request(
        kwargs=lambda t: {"pk": t.application.pk, "guarantee_pk": t.guarantee.pk}, method="post"
    ),
    "document_upload": Request(kwargs=_application, method="post", data=_pdf_upload),
    "document_download": Request(
        kwargs=lambda t: {"pk": t.application.pk, "document_pk": t.document.pk}
    ),
    "application_transition": Request(
        kwargs=lambda t: {"pk": t.application.pk, "name": "submit"}, method="post"
    ),
    "application_prepare": Request(kwargs=lambda t: {"pk": t.submitted.pk}),
    "ballot_detail": Request(kwargs=_ballot),
    "vote_cast": Request(
        kwargs=_case, method="post", data=lambda t: {"choice": "approve", "comment": "Tragfähig."}
    ),
    "case_recuse": Request(kwargs=_case, method="post", data=lambda t: {"reason": "Nachbar"}),
    "ballot_attendance": Request(kwargs=_ballot, method="post", data=lambda t: {"attendees": []}),
    "ballot_close": Request(kwargs=_ballot, method="post", data=lambda t: {"confirm": "yes"}),
    "meeting_votes_record": Request(
        kwargs=_case, method="post", data=lambda t: {"conditions": "", "member_0": "approve"}
    ),
    "ballot_minutes_pdf": Request(kwargs=lambda t: {"pk": t.closed_ballot.pk}),
    "decision_template_pdf": Request(kwargs=_application),
    # Keeping a loan (servicing)
    "rescheduling_propose": Request(kwargs=_running_loan),
    "rescheduling_decide": Request(
        kwargs=_proposal, method="post", data=lambda t: {"decision": "approve"}
    ),
    "loan_repay_early": Request(kwargs=_running_loan),
    "loan_default": Request(kwargs=_running_loan),
    "claim_update": Request(kwargs=_claim),
    # Bank statements (credits.banking)
    "statement_detail": Request(kwargs=lambda t: {"pk": _bank_entry()["statement"]}),
    "entry_review": Request(kwargs=lambda t: {"pk": _bank_entry()["entry"]}),
    # Loans
    "loan_detail": Request(kwargs=_loan),
    "loan_schedule_pdf": Request(kwargs=_loan),
    "loan_statement_pdf": Request(kwargs=_loan),
    "loan_record": Request(kwargs=lambda t: {"pk": t.approved.pk}),
    "loan_confirm": Request(kwargs=lambda t: {"pk": t.pending_loan.pk}),
    "payment_record": Request(kwargs=_loan, method="post", data=_payment),
    "borrower_detail": Request(kwargs=_borrower),
    # Monitoring: the contact log
    "contact_record": Request(kwargs=_loan),
    "borrower_contact_record": Request(kwargs=_borrower, method="post", data=_contact),
    # Monitoring: the monthly checks
    "check_settings": Request(
        method="post", data=lambda t: {"standard_percent": "10", "start_month": ""}
    ),
    "check_detail": Request(kwargs=_check),
    "quality_measure_record": Request(
        kwargs=_check, method="post", data=lambda t: {"text": "Sprechstunde"}
    ),
    "quality_measure_close": Request(kwargs=_measure, method="post"),
    # allauth's pages with a key in the path: a bad key is their own business, not ours.
    "account_confirm_email": Request(kwargs=lambda t: {"key": "not-a-key"}),
    "municipality_dashboard": Request(kwargs=lambda t: {"pk": t.quarter.municipality_id}),
    "municipality_report": Request(
        kwargs=lambda t: {"pk": t.quarter.municipality_id}, data=lambda t: {"year": "2025"}
    ),
    "account_reset_password_from_key": Request(
        kwargs=lambda t: {"uidb36": "zz", "key": "not-a-key"}
    ),
    # A guarantor's page, and the GDPR information about a borrower or a guarantor.
    "guarantor_detail": Request(kwargs=lambda t: {"pk": t.guarantee.guarantor_id}),
    "borrower_access_json": Request(kwargs=_borrower),
    "borrower_access_pdf": Request(kwargs=_borrower),
    "guarantor_access_json": Request(kwargs=lambda t: {"pk": t.guarantee.guarantor_id}),
    "guarantor_access_pdf": Request(kwargs=lambda t: {"pk": t.guarantee.guarantor_id}),
    # The second factor: a security key of a person outside the walk.
    "mfa_remove_webauthn": Request(kwargs=lambda t: _security_key()),
    "mfa_edit_webauthn": Request(kwargs=lambda t: _security_key()),
}


def _security_key() -> dict[str, object]:
    """Someone else's security key (the keys are their owner's alone: allauth finds them by the
    user who asks). Made once on first use, outside the rolled-back request."""
    with scopes_disabled():
        owner = User.objects.filter(email="keyholder@miqua.example").first()
        if owner is None:
            owner = factories.UserFactory(email="keyholder@miqua.example", role=Role.STAFF)
            Authenticator.objects.create(
                user=owner, type=Authenticator.Type.WEBAUTHN, data={"name": "Schlüssel"}
            )
        return {"pk": Authenticator.objects.get(user=owner).pk}


@dataclass(frozen=True)
class Redirect:
    """A 302 to the URL that `to` builds from the quarter's objects asked about."""

    to: Callable[[Target], str]


class _Login:
    """Anonymous: a 302 to the login page that comes back to the page asked for."""


Expected = int | Redirect | _Login

# The answers besides 200, 403 and 404, by where they send the browser.
LOGIN = _Login()
HOME = Redirect(lambda t: reverse("home"))
SIGN_IN = Redirect(lambda t: reverse("account_login"))  # the login page, not coming back
PASSWORD = Redirect(lambda t: reverse("account_change_password"))
QUARTER = Redirect(lambda t: reverse("quarter_detail", kwargs=_slug(t)))
APPLICATION = Redirect(lambda t: reverse("application_detail", kwargs=_application(t)))
GUARANTEES = Redirect(lambda t: APPLICATION.to(t) + "#guarantees")
DOCUMENTS = Redirect(lambda t: APPLICATION.to(t) + "#documents")
BALLOT = Redirect(lambda t: reverse("ballot_detail", kwargs=_ballot(t)))
CASE = Redirect(lambda t: BALLOT.to(t) + f"#case-{_case(t)['case_pk']}")
PAYMENTS = Redirect(lambda t: reverse("loan_detail", kwargs=_loan(t)) + "#payments")
CONTACTS = Redirect(lambda t: reverse("borrower_detail", kwargs=_borrower(t)) + "#contacts")
VERSIONS = Redirect(lambda t: _loan_url(_servicing_loans(t)[0]) + "#schedule-versions")
SETTINGS = Redirect(lambda t: reverse("check_list") + "#settings")
MEASURES = Redirect(lambda t: reverse("check_detail", kwargs=_check(t)) + "#measures")
AGAIN = Redirect(lambda t: reverse("account_reauthenticate"))  # the password, once more


def _first(step: str, name: str, kwargs: Callable[[], dict[str, object]] | None = None) -> Redirect:
    """A 302 to `step` (the sign-in, or the password once more before a change of the second
    factor), which comes back to the page `name` afterwards."""

    def to(target: Target) -> str:
        url = reverse(name, kwargs=kwargs() if kwargs else {})
        return f"{reverse(step)}?{urlencode({'next': url})}"

    return Redirect(to)


def _loan_url(loan: object) -> str:
    from credits.views.servicing import loan_url

    return loan_url(loan)  # type: ignore[arg-type]


# Every URL x role, on the role's own quarter's objects ("own": the advisor's quarter, of which
# the committee member's committee decides and which lies in the municipality viewer's city).
# A 404 on the own quarter means the object is out of the role's sight altogether (ballots are
# visible to the back office and the committee's members only); a 403 means it is seen but the
# action is not the role's. Where a POST succeeds, the redirect says where it leads.
# The columns are the ROLES in their order ("admin" is the administrator).
# fmt: off
PAGES: dict[str, tuple[Expected, Expected, Expected, Expected, Expected, Expected]] = {
    #                          anonymous advisor      committee municipality staff      admin
    #                                                 member    viewer
    "home":                   (LOGIN,    200,         200,      200,         200,       200),
    "quarter_detail":         (LOGIN,    200,         403,      200,         200,       200),
    "contribution_create":    (LOGIN,    403,         403,      403,         QUARTER,   QUARTER),
    "user_list":              (LOGIN,    403,         403,      403,         200,       200),
    "user_invite":            (LOGIN,    403,         403,      403,         200,       200),
    "language_set":           (HOME,     HOME,        HOME,     HOME,        HOME,      HOME),
    "application_list":       (LOGIN,    200,         403,      403,         200,       200),
    "application_create":     (LOGIN,    200,         403,      403,         403,       403),
    "application_detail":     (LOGIN,    200,         403,      403,         200,       200),
    "application_edit":       (LOGIN,    200,         403,      403,         403,       403),
    "guarantee_add":          (LOGIN,    GUARANTEES,  403,      403,         403,       403),
    "guarantee_remove":       (LOGIN,    GUARANTEES,  403,      403,         403,       403),
    "document_upload":        (LOGIN,    DOCUMENTS,   403,      403,         DOCUMENTS, DOCUMENTS),
    "document_download":      (LOGIN,    200,         403,      403,         200,       200),
    "application_transition": (LOGIN,    APPLICATION, 403,      403,         403,       403),
    "application_prepare":    (LOGIN,    403,         403,      403,         200,       200),
    "decision_template_pdf":  (LOGIN,    200,         403,      403,         200,       200),
    "ballot_list":            (LOGIN,    403,         200,      403,         200,       200),
    "ballot_create":          (LOGIN,    403,         403,      403,         200,       200),
    "ballot_detail":          (LOGIN,    404,         200,      404,         200,       200),
    "vote_cast":              (LOGIN,    404,         CASE,     404,         404,       404),
    "case_recuse":            (LOGIN,    404,         CASE,     404,         404,       404),
    "ballot_attendance":      (LOGIN,    404,         403,      404,         BALLOT,    BALLOT),
    "meeting_votes_record":   (LOGIN,    404,         403,      404,         BALLOT,    BALLOT),
    "ballot_close":           (LOGIN,    404,         403,      404,         BALLOT,    BALLOT),
    "ballot_minutes_pdf":     (LOGIN,    404,         200,      404,         200,       200),
    # Keeping a loan (servicing): the back office's; advisors see the payoff figure only.
    "rescheduling_propose":   (LOGIN,    403,         403,      403,         200,       200),
    "rescheduling_decide":    (LOGIN,    403,         403,      403,         VERSIONS,  VERSIONS),
    "loan_repay_early":       (LOGIN,    200,         403,      403,         200,       200),
    "loan_default":           (LOGIN,    403,         403,      403,         200,       200),
    "claim_update":           (LOGIN,    403,         403,      403,         200,       200),
    # Bank statements are the back office's; a statement or entry is out of others' sight.
    "statement_list":         (LOGIN,    403,         403,      403,         200,       200),
    "statement_upload":       (LOGIN,    403,         403,      403,         200,       200),
    "statement_detail":       (LOGIN,    404,         404,      404,         200,       200),
    "review_queue":           (LOGIN,    403,         403,      403,         200,       200),
    "entry_review":           (LOGIN,    404,         404,      404,         200,       200),
    # Loans: staff keep them, advisors follow their quarters' loans; nobody else sees one.
    "loan_list":              (LOGIN,    200,         403,      403,         200,       200),
    "loan_record_outside":    (LOGIN,    403,         403,      403,         200,       200),
    "loan_detail":            (LOGIN,    200,         403,      403,         200,       200),
    "loan_schedule_pdf":      (LOGIN,    200,         403,      403,         200,       200),
    "loan_statement_pdf":     (LOGIN,    200,         403,      403,         200,       200),
    "loan_record":            (LOGIN,    403,         403,      403,         200,       200),
    "loan_confirm":           (LOGIN,    403,         403,      403,         200,       200),
    "payment_record":         (LOGIN,    403,         403,      403,         PAYMENTS,  PAYMENTS),
    "borrower_detail":        (LOGIN,    200,         403,      403,         200,       200),
    # Monitoring: the contact log is the quarter's advisors' and the back office's.
    "contact_worklist":       (LOGIN,    200,         403,      403,         200,       200),
    "disrupted_loans":        (LOGIN,    200,         403,      403,         200,       200),
    "contact_record":         (LOGIN,    200,         403,      403,         200,       200),
    "borrower_contact_record": (LOGIN,   CONTACTS,    403,      403,         CONTACTS,  CONTACTS),
    # The monthly checks: advisors see their quarters' rows, the back office keeps the rest.
    "check_list":             (LOGIN,    200,         403,      403,         200,       200),
    "check_settings":         (LOGIN,    403,         403,      403,         SETTINGS,  SETTINGS),
    "check_detail":           (LOGIN,    200,         403,      403,         200,       200),
    "quality_measure_record": (LOGIN,    403,         403,      403,         MEASURES,  MEASURES),
    "quality_measure_close":  (LOGIN,    403,         403,      403,         MEASURES,  MEASURES),
    # The portfolio dashboard: the whole portfolio's figures, the back office's only.
    "portfolio_dashboard":    (LOGIN,    403,         403,      403,         200,       200),
    # The municipality's dashboard and report: aggregates for its viewers and the back office.
    # A municipality is out of sight (404) unless every quarter of it is seen: an advisor or a
    # committee member sees one quarter of the city at most.
    "municipality_dashboard": (LOGIN,    404,         404,      200,         200,       200),
    "municipality_report":    (LOGIN,    404,         404,      200,         200,       200),
    # For the containers and monitors: open to all, no personal data (tests/ops/test_health.py).
    "health":                 (200,      200,         200,      200,         200,       200),
    # A guarantor's page, as a borrower's; the GDPR duties are the back office's.
    "guarantor_detail":       (LOGIN,    200,         403,      403,         200,       200),
    "borrower_access_json":   (LOGIN,    403,         403,      403,         200,       200),
    "borrower_access_pdf":    (LOGIN,    403,         403,      403,         200,       200),
    "guarantor_access_json":  (LOGIN,    403,         403,      403,         200,       200),
    "guarantor_access_pdf":   (LOGIN,    403,         403,      403,         200,       200),
    "erasure_list":           (LOGIN,    403,         403,      403,         200,       200),
}

# allauth's pages answer every signed-in role alike. There is no public sign-up: the sign-up
# page only says so (and sends whoever is signed in home).
ACCOUNT_PAGES: dict[str, tuple[Expected, Expected]] = {
    #                                        anonymous  every signed-in role
    "account_login":                        (200,       HOME),
    "account_logout":                       (SIGN_IN,   200),
    "account_inactive":                     (200,       200),
    "account_signup":                       (200,       HOME),
    "account_reauthenticate":               (LOGIN,     200),
    "account_email":                        (LOGIN,     200),
    "account_email_verification_sent":      (200,       200),
    "account_change_password":              (LOGIN,     200),
    "account_set_password":                 (LOGIN,     PASSWORD),
    "account_reset_password":               (200,       200),
    "account_confirm_login_code":           (SIGN_IN,   HOME),
    "account_confirm_email":                (200,       200),
    "account_reset_password_from_key":      (200,       200),
    "account_reset_password_from_key_done": (200,       200),
    "account_reset_password_done":          (200,       200),
    # The second factor (allauth's MFA, /accounts/2fa/): each person's own. Every change asks
    # for the password once more (the walk's sessions are signed in without it); nobody has a
    # factor here, so there is nothing to switch off or show, and another person's key is not
    # found (tests/accounts/test_second_factor.py, once the password is confirmed).
    "mfa_index":                            (LOGIN,     200),
    "mfa_authenticate":                     (SIGN_IN,   HOME),
    "mfa_reauthenticate":                   (LOGIN,     AGAIN),
    "mfa_activate_totp":                    (_first("account_login", "mfa_activate_totp"),
                                             _first("account_reauthenticate", "mfa_activate_totp")),
    "mfa_deactivate_totp":                  (LOGIN,     404),
    "mfa_view_recovery_codes":              (LOGIN,     404),
    "mfa_generate_recovery_codes":          (_first("account_login", "mfa_generate_recovery_codes"),
                                             _first("account_reauthenticate",
                                                    "mfa_generate_recovery_codes")),
    "mfa_download_recovery_codes":          (LOGIN,     404),
    "mfa_list_webauthn":                    (LOGIN,     200),
    "mfa_add_webauthn":                     (_first("account_login", "mfa_add_webauthn"),
                                             _first("account_reauthenticate", "mfa_add_webauthn")),
    "mfa_reauthenticate_webauthn":          (LOGIN,     AGAIN),
    "mfa_remove_webauthn":                  (_first("account_login", "mfa_remove_webauthn",
                                                    _security_key),
                                             _first("account_reauthenticate",
                                                    "mfa_remove_webauthn", _security_key)),
    "mfa_edit_webauthn":                    (_first("account_login", "mfa_edit_webauthn",
                                                    _security_key),
                                             _first("account_reauthenticate",
                                                    "mfa_edit_webauthn", _security_key)),
}
# fmt: on

EXPECTED: dict[str, tuple[Expected, ...]] = {
    **PAGES,
    **{name: (anonymous, *[others] * 5) for name, (anonymous, others) in ACCOUNT_PAGES.items()},
}

# Pages about people (borrowers, guarantors, users): never for a municipality viewer or a
# committee member (who sees the cases before their committee only through the ballot).
PERSONAL_DATA = frozenset(
    {
        "user_list",
        "user_invite",
        "application_list",
        "application_create",
        "application_detail",
        "application_edit",
        "guarantee_add",
        "guarantee_remove",
        "document_upload",
        "document_download",
        "application_transition",
        "application_prepare",
        "decision_template_pdf",
        "ballot_create",
        "rescheduling_propose",
        "rescheduling_decide",
        "loan_repay_early",
        "loan_default",
        "claim_update",
        # Payers' names and accounts.
        "statement_list",
        "statement_upload",
        "statement_detail",
        "review_queue",
        "entry_review",
        "loan_list",
        "loan_record_outside",
        "loan_detail",
        "loan_schedule_pdf",
        "loan_statement_pdf",
        "loan_record",
        "loan_confirm",
        "payment_record",
        "borrower_detail",
        "contact_worklist",
        "contact_record",
        "borrower_contact_record",
        "disrupted_loans",
        # The loans in arrears of a 15th (an error re-renders that page).
        "check_detail",
        "quality_measure_record",
        "quality_measure_close",
        # A guarantor's page and the GDPR duties.
        "guarantor_detail",
        "borrower_access_json",
        "borrower_access_pdf",
        "guarantor_access_json",
        "guarantor_access_pdf",
        "erasure_list",
    }
)
# URLs whose arguments point at the network's objects, not a quarter's (a monthly check and
# its measures): the same URL for every quarter, so every role gets its own answer there too;
# what may not leak is another quarter's rows.
NETWORK_OBJECTS = frozenset({"check_detail", "quality_measure_record", "quality_measure_close"})
KEPT_FROM_PERSONAL_DATA = ("municipality_viewer", "committee_member")


def _url_names(resolver: URLResolver, namespace: str | None = None) -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _url_names(pattern, ns)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                # An unnamed pattern cannot be reversed, so it cannot be walked either.
                yield f"{namespace or ''}:<unnamed {pattern.pattern}>"
            else:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _is_admin(name: str) -> bool:
    return name.startswith("admin:")


def _is_api(name: str) -> bool:
    """The REST API under /api/ (miqua/api/urls.py): its router's URLs answer JSON, 401 to the
    anonymous, and are walked for every role by tests/api/ instead of this matrix."""
    return name in set(_url_names(get_resolver("miqua.api.urls")))


def test_every_url_is_covered():
    names = {n for n in _url_names(get_resolver()) if not _is_admin(n) and not _is_api(n)}
    assert names - EXPECTED.keys() == set(), "add these URLs to PAGES (or ACCOUNT_PAGES)"
    assert EXPECTED.keys() - names == set(), "these rows no longer exist"
    assert REQUESTS.keys() <= names
    assert names >= PERSONAL_DATA


def test_the_matrix_opens_no_personal_data_page_to_viewers_or_committee_members():
    """The walk below holds the pages to EXPECTED; this holds EXPECTED to the rule."""
    opened = [
        (name, role)
        for name in sorted(PERSONAL_DATA)
        for role in KEPT_FROM_PERSONAL_DATA
        if EXPECTED[name][ROLES.index(role)] not in (403, 404)
    ]
    assert opened == []


@dataclass(frozen=True)
class Answer:
    status: int
    location: str | None
    body: bytes


def _ask(role: str, network: Network, name: str, target: Target) -> tuple[str, Answer]:
    """Request one URL as `role` and undo whatever it changed: every request of a walk sees the
    same quarter (nothing closed, submitted or removed by an earlier one)."""
    request = REQUESTS.get(name, Request())
    url = reverse(name, kwargs=request.kwargs(target) if request.kwargs else {})
    if request.method == "get" and request.data:
        url += "?" + urlencode(request.data(target))  # a GET form's fields, in its URL
    with transaction.atomic():
        client = Client()
        if role != ANONYMOUS:
            client.force_login(network.users_by_role()[role])
        if request.method == "post":
            response = client.post(url, request.data(target) if request.data else {})
        else:
            response = client.get(url)
        transaction.set_rollback(True)
    # Reading a streamed body to its end closes it the way the test client does (without
    # Django's close_old_connections, which would close the test's connection on PostgreSQL
    # inside its transaction); a plain response was closed by the client already.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return url, Answer(response.status_code, response.get("Location"), body)


def _login_location(url: str) -> str:
    return f"{reverse('account_login')}?next={quote(url)}"


def _mismatch(expected: Expected, url: str, answer: Answer, target: Target | None) -> str | None:
    """What differs from the expectation, in words (None: nothing). The admin's redirects
    point at no quarter's object: they are checked without a target."""
    if isinstance(expected, _Login):
        expected_location: str | None = _login_location(url)
    elif isinstance(expected, Redirect):
        expected_location = expected.to(target)  # type: ignore[arg-type]
    else:
        expected_location = None
    expected_status = expected if isinstance(expected, int) else 302
    if (answer.status, answer.location) == (expected_status, expected_location):
        return None
    got = f"302 -> {answer.location}" if answer.status == 302 else str(answer.status)
    want = f"302 -> {expected_location}" if expected_location else str(expected_status)
    return f"{url}: expected {want}, got {got}"


@pytest.fixture
def no_pdf_layout(monkeypatch):
    """The walk is about who gets a PDF, not about its layout (tested with the documents
    themselves): the template is still rendered, WeasyPrint's seconds of layout are skipped."""
    monkeypatch.setattr("weasyprint.HTML.write_pdf", lambda *args, **kwargs: TINY_PDF)


def _target(quarter: Quarter, advisor: User) -> Target:
    """A quarter's objects: a complete draft (two guarantees, a document), a submitted
    application, and an open and a closed ballot of the quarter's committee on it."""
    application = factories.ApplicationFactory(quarter=quarter, advisor=advisor)
    guarantee = factories.GuaranteeFactory(application=application)
    factories.GuaranteeFactory(application=application)
    submitted = factories.ApplicationFactory(
        quarter=quarter, advisor=advisor, status=Application.Status.SUBMITTED
    )
    document = ApplicationDocument(
        application=application,
        quarter=quarter,
        kind=ApplicationDocument.Kind.IDENTITY,
        original_name="Ausweis.pdf",
        content_type="application/pdf",
        size=len(TINY_PDF),
        uploaded_by=advisor,
    )
    document.file.save("Ausweis.pdf", ContentFile(TINY_PDF), save=True)
    committee = Committee.objects.filter(quarter=quarter).first() or factories.CommitteeFactory(
        quarter=quarter
    )
    ballots = []
    for closed in (False, True):
        ballot = Ballot.objects.create(
            committee=committee,
            kind=Ballot.Kind.WRITTEN,
            title=f"Umlaufverfahren {quarter.name}",
            deadline=timezone.now() + timedelta(days=7),
            opened_by=User.objects.filter(role=Role.STAFF).first(),
            status=Ballot.Status.CLOSED if closed else Ballot.Status.OPEN,
            closed_at=timezone.now() if closed else None,
        )
        BallotCase.objects.create(
            ballot=ballot, application=submitted, quarter=quarter, is_open=not closed
        )
        ballots.append(ballot)
    # Loans: recorded by a member of staff of their own, so that the network's staff and
    # administrator may confirm the pending one.
    recorder = factories.UserFactory(role=Role.STAFF)
    confirmer = User.objects.filter(role=Role.STAFF).exclude(pk=recorder.pk).first()
    loan = factories.paid_out_loan(quarter=quarter, recorder=recorder, confirmer=confirmer)
    pending_loan = loan_services.loan_record(
        application=factories.approved_application(quarter=quarter),
        terms=_terms(f"KV-P-{quarter.pk}"),
        actor=recorder,
        today=date(2025, 1, 15),
    )
    return Target(
        quarter,
        application,
        submitted,
        guarantee,
        document,
        *ballots,
        approved=factories.approved_application(quarter=quarter),
        loan=loan,
        pending_loan=pending_loan,
    )


def _terms(contract_number: str) -> loan_services.LoanTerms:
    return loan_services.LoanTerms(
        contract_number=contract_number,
        iban=factories.TEST_IBANS[1],
        disbursed_on=date(2025, 1, 15),
        amount=Decimal("3000.00"),
        interest_rate=Decimal("8.56"),
        term_months=12,
    )


@pytest.fixture
def targets(network, settings, tmp_path) -> dict[str, Target]:
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        sibling_advisor = factories.UserFactory(
            role=Role.ADVISOR, quarters=[network.sibling_quarter]
        )
        return {
            "own": _target(network.own_quarter, network.advisor),
            "sibling": _target(network.sibling_quarter, sibling_advisor),
            "foreign": _target(network.foreign_quarter, network.foreign_advisor),
        }


@pytest.mark.usefixtures("no_pdf_layout")
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_answers(role, network, targets):
    own = targets["own"]
    mismatches = []
    for name, row in EXPECTED.items():
        url, answer = _ask(role, network, name, own)
        mismatch = _mismatch(row[ROLES.index(role)], url, answer, own)
        if mismatch:
            mismatches.append(f"{name}: {mismatch}")
        if role in KEPT_FROM_PERSONAL_DATA and name in PERSONAL_DATA:
            # The people themselves do not appear, not even on an error page.
            for person in (network.advisor.email, own.application.borrower.last_name):
                if person.encode() in answer.body:
                    mismatches.append(f"{name}: {url} shows {person}")
        if name in ACCOUNT_PAGES:
            for quarter in (network.own_quarter, network.foreign_quarter):
                if quarter.name.encode() in answer.body:
                    mismatches.append(f"{name}: {url} shows {quarter.name}")
    assert not mismatches, f"{role}:\n" + "\n".join(mismatches)


def _other_quarters(role: str, targets: dict[str, Target]) -> list[Target]:
    """Quarters the role must not reach: the other municipality's always, and for an advisor
    or a committee member also the quarter of their own city that is not theirs. The back
    office sees every quarter: it is asked about the other municipality's."""
    if role in {"advisor", "committee_member"}:
        return [targets["foreign"], targets["sibling"]]
    return [targets["foreign"]]


@pytest.mark.usefixtures("no_pdf_layout")
@pytest.mark.parametrize("role", ROLES)
def test_other_quarters_objects_answer_404_except_to_the_back_office(role, network, targets):
    mismatches = []
    for name, row in PAGES.items():
        request = REQUESTS.get(name)
        if request is None or request.kwargs is None:
            continue
        if role == ANONYMOUS:
            expected = LOGIN
        elif role in NETWORK_ROLES or name in NETWORK_OBJECTS:
            expected = row[ROLES.index(role)]  # as in its own quarter: nothing is foreign to it
        else:
            expected = 404
        for target in _other_quarters(role, targets):
            url, answer = _ask(role, network, name, target)
            mismatch = _mismatch(expected, url, answer, target)
            if mismatch:
                mismatches.append(f"{name} of {target.quarter}: {mismatch}")
            if expected == 404 or (name in NETWORK_OBJECTS and role not in NETWORK_ROLES):
                leaks = [target.quarter.name, target.application.borrower.last_name]
                if target.loan is not None:
                    leaks.append(target.loan.borrower.last_name)
                for leak in leaks:
                    if leak.encode() in answer.body:
                        mismatches.append(f"{name}: {url} shows {leak}")
    assert not mismatches, f"{role}:\n" + "\n".join(mismatches)


# The loan URLs, asked about a loan outside the quarters: it lies in no quarter, so only the
# back office (who sees every quarter) finds it; for everyone else it does not exist.
LOAN_URLS = (
    "loan_detail",
    "loan_schedule_pdf",
    "loan_statement_pdf",
    "payment_record",
    "contact_record",
    # The loan's borrower, outside the quarters too.
    "borrower_detail",
    "borrower_contact_record",
    "borrower_access_json",
    "borrower_access_pdf",
)


@pytest.mark.usefixtures("no_pdf_layout")
@pytest.mark.parametrize("role", ROLES)
def test_a_loan_outside_the_quarters_is_found_by_the_back_office_only(role, network, targets):
    with scopes_disabled():
        borrower = factories.BorrowerFactory(quarter=None)
        recorder = factories.UserFactory(role=Role.STAFF)
        loan = loan_services.loan_record_outside(
            borrower=borrower, terms=_terms("AQ-1"), actor=recorder, today=date(2025, 1, 15)
        )
        pending = loan_services.loan_record_outside(
            borrower=borrower, terms=_terms("AQ-2"), actor=recorder, today=date(2025, 1, 15)
        )
        loan = loan_services.loan_confirm(loan=loan, actor=network.staff)
    outside = Target(
        network.own_quarter,
        *[getattr(targets["own"], f) for f in ("application", "submitted", "guarantee")],
        targets["own"].document,
        targets["own"].ballot,
        targets["own"].closed_ballot,
        loan=loan,
        pending_loan=pending,
    )
    mismatches = []
    for name in (*LOAN_URLS, "loan_confirm"):
        row = PAGES[name]
        if role == ANONYMOUS:
            expected: Expected = LOGIN
        elif role in NETWORK_ROLES:
            expected = row[ROLES.index(role)]
        else:
            expected = 404
        url, answer = _ask(role, network, name, outside)
        mismatch = _mismatch(expected, url, answer, outside)
        if mismatch:
            mismatches.append(f"{name}: {mismatch}")
    assert not mismatches, f"{role}:\n" + "\n".join(mismatches)


# --- The Django admin -------------------------------------------------------------------------

ADMIN_INDEX = Redirect(lambda t: reverse("admin:index"))

# Every named admin URL for the back office (outsiders are sent to the admin's login, see
# below). Staff configure the network's structure, loan products and committees, and read the
# records written by services; user accounts are the administrator's; nobody adds, changes or
# deletes what only services write (applications, loans, contributions, the audit trail): their
# "change" page shows the record read-only.
# fmt: off
ADMIN_BACK_OFFICE: dict[str, tuple[Expected, Expected]] = {
    #                                        staff        administrator
    "index":                                (200,         200),
    "login":                                (ADMIN_INDEX, ADMIN_INDEX),
    "password_change":                      (200,         200),
    "password_change_done":                 (200,         200),
    "autocomplete":                         (403,         403),  # without a field to complete
    "jsi18n":                               (200,         200),
    "app_list":                             (200,         200),  # /admin/quarters/
    "account_emailaddress_changelist":      (403,         200),
    "account_emailaddress_add":             (403,         200),
    "account_emailaddress_history":         (403,         200),
    "account_emailaddress_delete":          (403,         200),
    "account_emailaddress_change":          (403,         200),
    "auth_user_password_change":            (403,         200),  # a user's password
    "accounts_user_changelist":             (403,         200),
    "accounts_user_add":                    (403,         200),
    "accounts_user_history":                (403,         200),
    "accounts_user_delete":                 (403,         200),
    "accounts_user_change":                 (403,         200),
    "audit_auditentry_changelist":          (200,         200),
    "audit_auditentry_add":                 (403,         403),
    "audit_auditentry_history":             (200,         200),
    "audit_auditentry_delete":              (403,         403),
    "audit_auditentry_change":              (200,         200),
    "quarters_municipality_changelist":     (200,         200),
    "quarters_municipality_add":            (200,         200),
    "quarters_municipality_history":        (200,         200),
    "quarters_municipality_delete":         (403,         200),
    "quarters_municipality_change":         (200,         200),
    "quarters_organisation_changelist":     (200,         200),
    "quarters_organisation_add":            (200,         200),
    "quarters_organisation_history":        (200,         200),
    "quarters_organisation_delete":         (403,         200),
    "quarters_organisation_change":         (200,         200),
    "quarters_quarter_changelist":          (200,         200),
    "quarters_quarter_add":                 (200,         200),
    "quarters_quarter_history":             (200,         200),
    "quarters_quarter_delete":              (403,         200),
    "quarters_quarter_change":              (200,         200),
    "quarters_liabilityfund_changelist":    (200,         200),
    "quarters_liabilityfund_add":           (200,         200),
    "quarters_liabilityfund_history":       (200,         200),
    "quarters_liabilityfund_delete":        (403,         200),
    "quarters_liabilityfund_change":        (200,         200),
    "quarters_fundcontribution_changelist": (200,         200),
    "quarters_fundcontribution_add":        (403,         403),
    "quarters_fundcontribution_history":    (200,         200),
    "quarters_fundcontribution_delete":     (403,         403),
    "quarters_fundcontribution_change":     (200,         200),
    "credits_loanproduct_changelist":       (200,         200),
    "credits_loanproduct_add":              (200,         200),
    "credits_loanproduct_history":          (200,         200),
    "credits_loanproduct_delete":           (403,         200),
    "credits_loanproduct_change":           (200,         200),
    "credits_application_changelist":       (200,         200),
    "credits_application_add":              (403,         403),
    "credits_application_history":          (200,         200),
    "credits_application_delete":           (403,         403),
    "credits_application_change":           (200,         200),
    "credits_loan_changelist":              (200,         200),
    "credits_loan_add":                     (403,         403),
    "credits_loan_history":                 (200,         200),
    "credits_loan_delete":                  (403,         403),
    "credits_loan_change":                  (200,         200),
    "committees_committee_changelist":      (200,         200),
    "committees_committee_add":             (200,         200),
    "committees_committee_history":         (200,         200),
    "committees_committee_delete":          (200,         200),  # staff may delete a committee
    "committees_committee_change":          (200,         200),
    # People's second factors: the administrator sees whose and removes a lost one.
    "mfa_authenticator_changelist":         (403,         200),
    "mfa_authenticator_add":                (403,         403),
    "mfa_authenticator_history":            (403,         200),
    "mfa_authenticator_delete":             (403,         200),
    "mfa_authenticator_change":             (403,         200),  # read-only, without the secret
}
# fmt: on


def _named_patterns(patterns: list) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_patterns(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name, pattern


def _admin_urls(network: Network) -> dict[str, str]:
    """Every named admin URL by name, its object arguments pointing at the foreign quarter's
    objects."""
    from django.contrib import admin

    with scopes_disabled():
        object_ids = {
            "quarters_quarter": network.foreign_quarter.pk,
            "quarters_liabilityfund": network.foreign_fund.pk,
            "quarters_fundcontribution": network.foreign_fund.contributions.first().pk,
            "quarters_municipality": network.foreign_quarter.municipality_id,
            "accounts_user": network.advisor.pk,
            "auth_user": network.advisor.pk,  # UserAdmin names its password URL so
            "credits_loanproduct": network.own_application.product_id,
            "credits_application": network.foreign_application.pk,
            "credits_loan": factories.LoanFactory(borrower=network.foreign_application.borrower).pk,
            "audit_auditentry": AuditEntry.objects.create(
                action="test", object_type="x", object_id="1", object_repr="x"
            ).pk,
            "committees_committee": Committee.objects.get().pk,
            "quarters_organisation": Organisation.objects.first().pk,
            "account_emailaddress": EmailAddress.objects.create(
                user=network.advisor, email=network.advisor.email
            ).pk,
            "mfa_authenticator": Authenticator.objects.create(
                user=network.advisor, type=Authenticator.Type.TOTP, data={"secret": "X"}
            ).pk,
        }
    urls = {}
    for name, route in _named_patterns(admin.site.get_urls()):
        groups = route.pattern.regex.groupindex
        # The catch-all; logout (a POST action); "view on site" (a redirect, not a page).
        if "url" in groups or "content_type_id" in groups or name == "logout":
            continue
        object_id = next((pk for key, pk in object_ids.items() if name.startswith(key + "_")), None)
        kwargs = {}
        for group in groups:
            if group == "app_label":
                kwargs[group] = "quarters"
            elif group in ("object_id", "id"):
                assert object_id is not None, f"add an object for admin:{name} to object_ids"
                kwargs[group] = str(object_id)
        urls[name] = reverse(f"admin:{name}", kwargs=kwargs)
    return urls


def _admin_walk(
    role: str, network: Network, urls: dict[str, str], expected: Callable[[str, str], Expected]
) -> str:
    """Ask for every admin URL as `role`; the mismatches with `expected(name, url)`, one a line."""
    client = Client()
    if role != ANONYMOUS:
        client.force_login(network.users_by_role()[role])
    mismatches = []
    for name, url in urls.items():
        response = client.get(url)
        answer = Answer(response.status_code, response.get("Location"), b"")
        mismatch = _mismatch(expected(name, url), url, answer, target=None)
        if mismatch:
            mismatches.append(f"admin:{name}: {mismatch}")
    return "\n".join(mismatches)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in NETWORK_ROLES])
def test_admin_is_closed_to_everyone_but_the_back_office(role, network):
    """Every admin page sends an outsider to the admin's login, which refuses anyone signed in
    without a back-office role and sends the anonymous on to the site's login."""

    def expected(name: str, url: str) -> Expected:
        if name != "login":
            return Redirect(lambda t: f"{reverse('admin:login')}?next={quote(url)}")
        if role == ANONYMOUS:
            return Redirect(lambda t: _login_location(reverse("admin:index")))
        return 403

    mismatches = _admin_walk(role, network, _admin_urls(network), expected)
    assert not mismatches, f"{role}:\n{mismatches}"


@pytest.mark.parametrize("role", sorted(NETWORK_ROLES))
def test_admin_pages_answer_the_back_office_as_the_table_says(role, network):
    urls = _admin_urls(network)
    missing, gone = urls.keys() - ADMIN_BACK_OFFICE.keys(), ADMIN_BACK_OFFICE.keys() - urls.keys()
    assert missing == set(), "add these admin URLs to ADMIN_BACK_OFFICE"
    assert gone == set(), "these ADMIN_BACK_OFFICE rows no longer exist"
    column = ("staff", "administrator").index(role)
    mismatches = _admin_walk(role, network, urls, lambda name, url: ADMIN_BACK_OFFICE[name][column])
    assert not mismatches, f"{role}:\n{mismatches}"


def test_a_former_committee_member_sees_no_quarter(network):
    with scopes_disabled():
        network.committee_member.committee_memberships.update(ends_on=date(2021, 12, 31))
    client = Client()
    client.force_login(network.committee_member)
    response = client.get(reverse("home"))
    assert network.own_quarter.name.encode() not in response.content
