"""The mails after a monthly check: each advisor gets their own quarters' due contacts and
disrupted loans (nothing due: no mail), the back office the summary; a check is mailed once,
and the task and the command mail the newest month only."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from credits import loan_services
from credits.models import Instalment, Loan
from miqua.accounts.models import Role
from miqua.audit.models import AuditEntry
from miqua.money import format_eur
from monitoring import mail_services, services, tasks
from monitoring.contact_models import Contact
from monitoring.models import MonthlyCheck
from tests import factories
from tests.concurrency import at_once

D = Decimal
PAYOUT = datetime.date(2025, 1, 10)
AS_OF = datetime.date(2025, 3, 15)  # two instalments due by then: 15 February and 15 March


def _terms(contract: str, disbursed_on: datetime.date) -> loan_services.LoanTerms:
    return loan_services.LoanTerms(
        contract_number=contract,
        iban=factories.TEST_IBANS[0],
        disbursed_on=disbursed_on,
        amount=D("2400.00"),
        interest_rate=D("6.00"),
        term_months=12,
        instalment_day=15,
    )


def _loan(network, second_staff, quarter, number: str, disbursed_on=PAYOUT) -> Loan:
    """A running loan whose instalments fall on the 15th, the check's day."""
    with scopes_disabled():
        application = factories.approved_application(quarter=quarter, amount=D("2400.00"))
        loan = loan_services.loan_record(
            application=application,
            terms=_terms(number, disbursed_on),
            actor=network.staff,
            today=disbursed_on,
        )
        return loan_services.loan_confirm(loan=loan, actor=second_staff)


def _outside_loan(network, second_staff, number: str) -> Loan:
    with scopes_disabled():
        loan = loan_services.loan_record_outside(
            borrower=factories.BorrowerFactory(quarter=None),
            terms=_terms(number, PAYOUT),
            actor=network.staff,
            today=PAYOUT,
        )
        return loan_services.loan_confirm(loan=loan, actor=second_staff)


def _instalments(loan: Loan) -> list[Instalment]:
    with scopes_disabled():
        return list(Instalment.objects.filter(loan=loan, is_current=True).order_by("due_on"))


def _pay_until(loan: Loan, day: datetime.date, actor) -> None:
    """Every instalment due by `day`, paid on its due date."""
    with scopes_disabled():
        for instalment in _instalments(loan):
            if instalment.due_on <= day:
                loan_services.payment_record(
                    loan=loan,
                    amount=instalment.amount,
                    value_date=instalment.due_on,
                    actor=actor,
                    today=instalment.due_on,
                )


def _contact(loan: Loan, day: datetime.date, by) -> None:
    with scopes_disabled():
        Contact.objects.create(
            quarter_id=loan.quarter_id,
            borrower_id=loan.borrower_id,
            loan=loan,
            contacted_on=day,
            channel=Contact.Channel.PHONE,
            by=by,
            note="Gespräch",
        )


def _by_recipient() -> dict[str, mail.EmailMessage]:
    assert all(len(m.to) == 1 for m in mail.outbox)
    mails = {m.to[0]: m for m in mail.outbox}
    assert len(mails) == len(mail.outbox), "someone got two mails"
    return mails


def _html(message: mail.EmailMessage) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def portfolio(network, second_staff):
    """On 15 March 2025: in the own quarter A-1 owes both instalments (28 days past due), A-3
    the March one (0 days), A-2 is current and not heard from; in the foreign quarter B-1 owes
    both; in the sibling quarter S-1 is current and was heard from in February; outside the
    quarters O-1 owes both. Created out of order, so the sorting shows."""
    loans = {
        "A-3": _loan(network, second_staff, network.own_quarter, "A-3"),
        "A-1": _loan(network, second_staff, network.own_quarter, "A-1"),
        "A-2": _loan(network, second_staff, network.own_quarter, "A-2"),
        "B-1": _loan(network, second_staff, network.foreign_quarter, "B-1"),
        "S-1": _loan(network, second_staff, network.sibling_quarter, "S-1"),
        "O-1": _outside_loan(network, second_staff, "O-1"),
    }
    _pay_until(loans["A-3"], datetime.date(2025, 2, 15), network.staff)
    _pay_until(loans["A-2"], AS_OF, network.staff)
    _pay_until(loans["S-1"], AS_OF, network.staff)
    with scopes_disabled():
        sibling_advisor = factories.UserFactory(
            role=Role.ADVISOR,
            email="advisor.nordend@miqua.example",
            quarters=[network.sibling_quarter],
        )
    _contact(loans["S-1"], datetime.date(2025, 2, 20), sibling_advisor)
    with scopes_disabled():
        check = services.monthly_check_run(as_of=AS_OF)
    assert (check.active, check.disrupted) == (6, 4)
    return {"loans": loans, "check": check, "sibling_advisor": sibling_advisor}


def _send(check, django_capture_on_commit_callbacks) -> int:
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        sent = mail_services.monthly_check_mails_send(check=check)
        # Nothing leaves before the commit.
        assert len(mail.outbox) == before
    return sent


# --- Advisors ---------------------------------------------------------------------------------


def test_each_advisor_gets_their_own_quarters_loans_only(
    network, portfolio, django_capture_on_commit_callbacks
):
    loans = portfolio["loans"]

    _send(portfolio["check"], django_capture_on_commit_callbacks)

    mails = _by_recipient()
    own = mails[network.advisor.email]
    for number in ("A-1", "A-2", "A-3"):
        assert number in own.body and number in _html(own)
    for number in ("B-1", "S-1", "O-1"):
        assert number not in own.body and number not in _html(own)
    # Longest past due first, with the borrower, the amount and the days.
    a1, a3 = loans["A-1"], loans["A-3"]
    disrupted_part = own.body.split(reverse("contact_worklist"))[0]
    assert disrupted_part.index("A-1") < disrupted_part.index("A-3")
    assert a1.borrower.full_name in own.body
    owed = sum((i.amount for i in _instalments(a1)[:2]), D("0.00"))
    with translation.override("de"):
        assert format_eur(owed) in own.body  # German, the advisor's language
    assert "28" in own.body
    # Absolute links to the loans and the worklists.
    base = settings.MIQUA_BASE_URL.rstrip("/")
    for loan in (a1, a3):
        assert base + reverse("loan_detail", args=[loan.pk]) in own.body
        assert f'href="{base}{reverse("loan_detail", args=[loan.pk])}"' in _html(own)
    assert base + reverse("contact_worklist") in own.body
    assert base + reverse("disrupted_loans") in own.body
    assert own.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert "15.03.2025" in own.subject and "\n" not in own.subject
    assert ": 3," in own.subject and own.subject.endswith(": 2")  # contacts due, in arrears

    foreign = mails[network.foreign_advisor.email]
    assert "B-1" in foreign.body
    assert not any(n in foreign.body for n in ("A-1", "A-2", "A-3", "S-1", "O-1"))


def test_an_advisor_with_nothing_due_gets_no_mail(
    network, portfolio, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        idle = factories.UserFactory(role=Role.ADVISOR, email="idle@miqua.example", quarters=[])
        inactive = factories.UserFactory(
            role=Role.ADVISOR,
            email="gone@miqua.example",
            quarters=[network.own_quarter],
            is_active=False,
        )

    _send(portfolio["check"], django_capture_on_commit_callbacks)

    mails = _by_recipient()
    # S-1 is current and was heard from in February: nothing for the Nordend advisor.
    assert portfolio["sibling_advisor"].email not in mails
    assert idle.email not in mails and inactive.email not in mails
    assert network.committee_member.email not in mails
    assert network.municipality_viewer.email not in mails


def test_an_advisor_reads_it_in_their_language(
    network, portfolio, django_capture_on_commit_callbacks
):
    network.advisor.language = "en"
    network.advisor.save()
    owed = sum((i.amount for i in _instalments(portfolio["loans"]["A-1"])[:2]), D("0.00"))

    _send(portfolio["check"], django_capture_on_commit_callbacks)

    body = _by_recipient()[network.advisor.email].body
    with translation.override("en"):
        assert format_eur(owed) in body


# --- Staff ------------------------------------------------------------------------------------


def test_staff_get_the_summary_with_the_figures_per_quarter(
    network, second_staff, portfolio, django_capture_on_commit_callbacks
):
    network.staff.language = "en"
    network.staff.save()

    sent = _send(portfolio["check"], django_capture_on_commit_callbacks)

    mails = _by_recipient()
    staff_addresses = {network.staff.email, second_staff.email, network.administrator.email}
    assert staff_addresses <= set(mails)
    # The advisors of the own and the foreign quarter, and the three of the back office.
    assert sent == len(mails) == 5
    body = mails[network.staff.email].body
    lines = body.splitlines()
    assert "4 of 6 active loans disrupted (66.67\u00a0%; standard 10.00\u00a0%)" in body
    assert "quality measures are required" in body
    own = str(network.own_quarter)
    foreign = str(network.foreign_quarter)
    sibling = str(network.sibling_quarter)
    assert f"- {own}: 2 of 3 disrupted (66.67\u00a0%), 3 contacts due – above the standard" in lines
    assert f"- {foreign}: 1 of 1 disrupted (100.00\u00a0%), 1 contact due – above the standard" in (
        lines
    )
    assert f"- {sibling}: 0 of 1 disrupted (0.00\u00a0%), 0 contacts due" in lines
    assert (
        "- Outside the quarters: 1 of 1 disrupted (100.00\u00a0%), 1 contact due"
        " – above the standard"
    ) in lines
    # The quarters above the standard, named once more on their own.
    above = lines[lines.index("Quarters above the standard:") + 1 :]
    assert above[:2] == [f"- {foreign}: 100.00\u00a0%", f"- {own}: 66.67\u00a0%"]
    assert "In total: 4 loans in arrears, 5 contacts due." in body
    # No borrower's name in the summary: counts only.
    for loan in portfolio["loans"].values():
        assert loan.borrower.last_name not in body
    html = _html(mails[network.staff.email])
    assert '<td align="right">66.67\u00a0%</td>' not in html  # above: in bold
    assert "<strong>66.67\u00a0%</strong>" in html


def test_a_check_within_the_standard_says_so(
    network, second_staff, django_capture_on_commit_callbacks
):
    loan = _loan(network, second_staff, network.own_quarter, "OK-1")
    _pay_until(loan, AS_OF, network.staff)
    network.staff.language = "en"
    network.staff.save()
    with scopes_disabled():
        check = services.monthly_check_run(as_of=AS_OF)

    _send(check, django_capture_on_commit_callbacks)

    mails = _by_recipient()
    assert "within the standard" in mails[network.staff.email].subject
    assert "no quality measures are required" in mails[network.staff.email].body
    # The loan is current but nobody heard from the borrower: a monthly contact is due.
    assert "OK-1" in mails[network.advisor.email].body


# --- Once -------------------------------------------------------------------------------------


def test_a_check_is_mailed_once_with_its_audit_entry(
    network, portfolio, django_capture_on_commit_callbacks
):
    check = portfolio["check"]
    sent = _send(check, django_capture_on_commit_callbacks)
    assert sent == len(mail.outbox) == 5

    again = _send(check, django_capture_on_commit_callbacks)

    assert again == 0
    assert len(mail.outbox) == 5
    with scopes_disabled():
        check.refresh_from_db()
        assert check.mails_sent_at is not None
        entry = AuditEntry.objects.get(action="monthly_check.mailed")
    assert entry.object_id == str(check.pk)
    assert entry.changes == {"mails": 5, "advisors": 2, "staff": 3}


def test_a_rollback_after_the_claim_sends_nothing_and_leaves_the_check_to_mail(
    network, portfolio, django_capture_on_commit_callbacks, monkeypatch
):
    check = portfolio["check"]

    def broken(*args, **kwargs):
        raise RuntimeError("template broke")

    monkeypatch.setattr(mail_services, "_staff_mails", broken)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        mail_services.monthly_check_mails_send(check=check)
    assert mail.outbox == []
    with scopes_disabled():
        assert MonthlyCheck.objects.get(pk=check.pk).mails_sent_at is None


def test_the_mails_take_the_same_queries_for_more_loans(
    network, second_staff, django_capture_on_commit_callbacks
):
    def queries_for(count: int, as_of: datetime.date) -> int:
        for n in range(count):
            _loan(network, second_staff, network.own_quarter, f"Q{as_of.month}-{n}")
            _loan(network, second_staff, network.foreign_quarter, f"R{as_of.month}-{n}")
        with scopes_disabled():
            check = services.monthly_check_run(as_of=as_of)
        with CaptureQueriesContext(connection) as queries:
            assert _send(check, django_capture_on_commit_callbacks) > 0
        mail.outbox.clear()
        return len(queries)

    assert queries_for(2, datetime.date(2025, 3, 15)) == queries_for(8, datetime.date(2025, 4, 15))


# --- The task and the command -----------------------------------------------------------------


def _months_ago(months: int) -> datetime.date:
    day = timezone.localdate().replace(day=10)
    for _ in range(months):
        day = (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=10)
    return day


@pytest.fixture
def catch_up(network, second_staff):
    """A loan paid out four months ago and never paid: the catch-up checks four or five
    months, each with the loan in arrears."""
    return _loan(network, second_staff, network.own_quarter, "C-1", disbursed_on=_months_ago(4))


def _mailed_checks() -> list[MonthlyCheck]:
    with scopes_disabled():
        return list(MonthlyCheck.objects.filter(mails_sent_at__isnull=False))


def test_the_task_mails_the_newest_month_only(
    network, second_staff, catch_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checked = tasks.run_monthly_checks.apply().get()

    assert checked >= 4
    with scopes_disabled():
        newest = MonthlyCheck.objects.order_by("-as_of").first()
    assert _mailed_checks() == [newest]
    mails = _by_recipient()
    assert set(mails) == {
        network.advisor.email,
        network.staff.email,
        second_staff.email,
        network.administrator.email,
    }
    assert newest.as_of.strftime("%d.%m.%Y") in mails[network.advisor.email].subject
    assert "C-1" in mails[network.advisor.email].body

    # The next run finds nothing to check and mails nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run_monthly_checks.apply().get() == 0
    assert len(mail.outbox) == 4


def test_the_command_mails_the_newest_month_only(
    network, catch_up, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_monthly_checks", stdout=out)

    with scopes_disabled():
        newest = MonthlyCheck.objects.order_by("-as_of").first()
        assert MonthlyCheck.objects.count() >= 4
    assert _mailed_checks() == [newest]
    assert len(_by_recipient()) == 4
    # The printout is the check's, as before: no line about the mail.
    assert "mail" not in out.getvalue().lower()


def test_the_command_with_as_of_mails_that_month_once(
    network, catch_up, django_capture_on_commit_callbacks
):
    as_of = _instalments(catch_up)[0].due_on
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_monthly_checks", "--as-of", as_of.isoformat(), stdout=StringIO())
    assert [c.as_of for c in _mailed_checks()] == [as_of]
    assert len(_by_recipient()) == 4

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_monthly_checks", "--as-of", as_of.isoformat(), stdout=StringIO())
    assert len(mail.outbox) == 4


def test_no_mail_sends_none(network, catch_up, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_monthly_checks", "--no-mail", stdout=StringIO())
        as_of = _instalments(catch_up)[0].due_on
        call_command(
            "run_monthly_checks", "--as-of", as_of.isoformat(), "--no-mail", stdout=StringIO()
        )

    assert mail.outbox == []
    assert _mailed_checks() == []
    with scopes_disabled():
        assert MonthlyCheck.objects.count() >= 4


# --- Two workers at once (PostgreSQL) ---------------------------------------------------------


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


@pytest.mark.postgres
def test_two_workers_mailing_the_same_check_send_each_mail_once(postgres, network, second_staff):
    _loan(network, second_staff, network.own_quarter, "T-1")
    _loan(network, second_staff, network.foreign_quarter, "T-2")
    with scopes_disabled():
        check = services.monthly_check_run(as_of=AS_OF)
    outcomes = at_once(*[lambda: mail_services.monthly_check_mails_send(check=check)] * 2)

    assert [o.error for o in outcomes] == [None, None]
    sent = [o.value for o in outcomes]
    # Two advisors and three of the back office, once; the other worker found the claim taken.
    assert sorted(sent) == [0, 5]
    assert len(_by_recipient()) == 5
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="monthly_check.mailed").count() == 1


def test_a_check_left_unmailed_is_mailed_by_the_next_run_while_fresh(
    network, catch_up, django_capture_on_commit_callbacks
):
    # A worker stopped between the check's commit and its mails: the months are checked, the
    # newest is not mailed. The next run checks nothing new and mails it, once.
    services.monthly_checks_catch_up(today=timezone.localdate())
    assert _mailed_checks() == []
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run_monthly_checks.apply().get() == 0
    with scopes_disabled():
        newest = MonthlyCheck.objects.order_by("-as_of").first()
    assert _mailed_checks() == [newest]
    assert len(_by_recipient()) == 4
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_monthly_checks.apply().get()
    assert len(mail.outbox) == 4

    # A month's check is news for a month: an older one left unmailed stays unmailed.
    with scopes_disabled():
        MonthlyCheck.objects.update(mails_sent_at=None)
    later = newest.as_of + datetime.timedelta(days=mail_services.MAIL_FRESH_DAYS)
    assert mail_services.newest_check_mails_send(today=later) == 0
    assert _mailed_checks() == []
