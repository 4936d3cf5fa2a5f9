"""Make the planned loans of `miqua.demo.loan_history` happen, through the services.

Each loan starts from an approved application of its quarter (written directly, as taken over
from the paper files of the time: the committees' meetings of 2009 to 2012 are not in MIQUA),
with its two guarantors; its approval reserves capacity through `capacity_reserve`, which
checks the fund's lending capacity as it stood that month; one member of staff records the
payout (`loan_record`) and a second confirms it (`loan_confirm`). Then month by month the
repayments of all loans come in as the bank's CSV export of the repayment account and are
imported (`book_month`: `credits.banking.importer.statement_import`), which matches each to its
loan by the contract number in the remittance text and books them; the last payment closes a
loan as repaid. The three defaults are declared through `credits.servicing`.

Payouts and payments are made in the order of time, so the capacity each approval sees is the
one of its day. A loan counts as one object with all of it (borrower, application,
guarantors, payments); it is keyed on its contract number, and on its person and its place
among the person's loans (today's loans are numbered by the year they were paid out, which
moves with today), so a second run finds every loan and changes nothing.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count

from credits import loan_services, servicing
from credits import services as credit_services
from credits.banking.importer import statement_import
from credits.loan_services import LoanTerms
from credits.models import Application, Borrower, Loan, LoanProduct, ScheduleVersion
from guarantors import services as guarantor_services
from guarantors.models import Guarantee, Guarantor, GuarantorClaim
from miqua.accounts.models import User
from miqua.money import format_eur, quantize_eur
from quarters.models import Quarter

from .loan_history import DEFAULT_DAYS, INSTALMENT_DAY, RATE, Person, PlannedLoan, account_iban
from .users import STAFF2_EMAIL, STAFF_EMAIL

if TYPE_CHECKING:
    from .builders import Seeder

PersonKey = tuple[int, str, str, datetime.date]


def _key(quarter: Quarter, person: Person) -> PersonKey:
    return (quarter.pk, person.first_name, person.last_name, person.born)


def build_loans(seeder: "Seeder", plans: Sequence[PlannedLoan], *, today: datetime.date) -> None:
    """The planned loans that are missing, with their payments up to `today`."""
    staff = User.objects.get(email=STAFF_EMAIL)
    confirmer = User.objects.get(email=STAFF2_EMAIL)
    quarters = {q.slug: q for q in Quarter.objects.all()}
    known = {
        (row["quarter_id"], row["first_name"], row["last_name"], row["date_of_birth"]): row["n"]
        for row in Borrower.objects.filter(loans__isnull=False)
        .values("quarter_id", "first_name", "last_name", "date_of_birth")
        .annotate(n=Count("loans"))
    }
    recorded = set(
        Loan.objects.filter(
            contract_number__in=[plan.contract_number for plan in plans]
        ).values_list("contract_number", flat=True)
    )
    todo = []
    for plan in plans:
        exists = (
            plan.contract_number in recorded
            or known.get(_key(quarters[plan.quarter], plan.person), 0) >= plan.cycle
        )
        seeder.count(Loan, created=not exists)
        if not exists:
            todo.append(plan)
    if not todo:
        return
    product = LoanProduct.objects.get(quarter__isnull=True, is_active=True)
    advisors = {
        quarter.slug: advisor
        for advisor in User.objects.filter(advised_quarters__isnull=False).order_by("pk")
        for quarter in advisor.advised_quarters.all()
    }

    payouts: dict[tuple[int, int], list[PlannedLoan]] = defaultdict(list)
    defaults: dict[tuple[int, int], list[PlannedLoan]] = defaultdict(list)
    payments: dict[tuple[int, int], list[tuple[PlannedLoan, datetime.date, Decimal]]] = defaultdict(
        list
    )
    for plan in sorted(todo, key=lambda p: (p.disbursed_on, p.contract_number)):
        payouts[_month(plan.disbursed_on)].append(plan)
        if plan.behaviour.default_on is not None and plan.behaviour.default_on <= today:
            defaults[_month(plan.behaviour.default_on)].append(plan)
        for day, amount in plan.payments(until=today):
            payments[_month(day)].append((plan, day, amount))
    loan_ids: dict[str, int] = {}
    for month in sorted(payouts.keys() | payments.keys() | defaults.keys()):
        for plan in payouts[month]:
            quarter = quarters[plan.quarter]
            loan_ids[plan.contract_number] = pay_out(
                plan,
                quarter=quarter,
                product=product,
                advisor=advisors.get(quarter.slug, staff),
                staff=staff,
                confirmer=confirmer,
            ).pk
        if payments[month]:
            book_month(month, payments[month], actor=staff)
        for plan in defaults[month]:
            declare_default(plan, loan_id=loan_ids[plan.contract_number], staff=staff, today=today)
    for plan in todo:
        if plan.reschedule:
            propose_pause(loan_id=loan_ids[plan.contract_number], staff=staff, today=today)


def _month(day: datetime.date) -> tuple[int, int]:
    return (day.year, day.month)


def pay_out(
    plan: PlannedLoan,
    *,
    quarter: Quarter,
    product: LoanProduct,
    advisor: User,
    staff: User,
    confirmer: User,
) -> Loan:
    """The approved application of `plan` with its guarantors, its capacity reserved, and its
    payout recorded and confirmed by two people."""
    person = plan.person
    borrower = Borrower.objects.filter(
        quarter=quarter,
        first_name=person.first_name,
        last_name=person.last_name,
        date_of_birth=person.born,
    ).first() or Borrower.objects.create(
        quarter=quarter,
        first_name=person.first_name,
        last_name=person.last_name,
        date_of_birth=person.born,
        street=person.street,
        postal_code=person.postal_code,
        city=person.city,
        phone=person.phone,
        receives_sgb2=plan.amount <= 5000 and plan.stage == "startup",
        bank_relationship=Borrower.BankRelationship.ACCOUNT,
    )
    decided = datetime.datetime.combine(
        plan.disbursed_on - datetime.timedelta(days=14), datetime.time(18), tzinfo=datetime.UTC
    )
    instalment = plan.instalments[-2][1] if len(plan.instalments) > 1 else plan.instalments[0][1]
    application = Application.objects.create(
        quarter=quarter,
        borrower=borrower,
        product=product,
        advisor=advisor,
        status=Application.Status.APPROVED,
        business_name=plan.business_name,
        trade=plan.trade,
        stage=plan.stage,
        amount=plan.amount,
        purpose=f"Anschaffungen und Betriebsmittel für {plan.business_name}.",
        term_months=plan.term_months,
        grace_months=plan.grace_months,
        improves_situation="Ja: der Betrieb sichert das Einkommen der Familie.",
        can_repay=f"Ja: die Rate von rund {format_eur(instalment)} ist aus dem Überschuss tragbar.",
        potential=Application.Level.HIGH,
        handicap=Application.Handicap.LARGE,
        repayable_if_closed=True,
        staff_assessment="Aus der Papierakte übernommen: Beschluss des Vergabeausschusses vom "
        f"{decided:%d.%m.%Y}.",
        recommendation=f"Bewilligung über {format_eur(plan.amount)}, {plan.term_months} Monate.",
        submitted_at=decided - datetime.timedelta(days=30),
        decided_at=decided,
    )
    half = quantize_eur(plan.amount / 2)
    first_share = quantize_eur(half / 2)
    for (first_name, last_name, relation), amount in zip(
        plan.guarantors, (first_share, half - first_share), strict=True
    ):
        guarantor = Guarantor.objects.filter(
            quarter=quarter, first_name=first_name, last_name=last_name
        ).first() or Guarantor.objects.create(
            quarter=quarter, first_name=first_name, last_name=last_name, city=person.city
        )
        Guarantee.objects.create(
            application=application,
            guarantor=guarantor,
            quarter=quarter,
            relation=relation,
            amount=amount,
        )
    credit_services.capacity_reserve(application=application, actor=staff)
    loan = loan_services.loan_record(
        application=application,
        terms=LoanTerms(
            contract_number=plan.contract_number,
            iban=person.iban,
            disbursed_on=plan.disbursed_on,
            amount=plan.amount,
            interest_rate=RATE,
            term_months=plan.term_months,
            grace_months=plan.grace_months,
            instalment_day=INSTALMENT_DAY,
        ),
        actor=staff,
    )
    return loan_services.loan_confirm(loan=loan, actor=confirmer)


# The microfinancier's repayment account at GLS Bank, where the borrowers' standing orders go.
REPAYMENT_ACCOUNT = account_iban("43060967", 4711)
CSV_HEADER = (
    "Bezeichnung Auftragskonto;IBAN Auftragskonto;BIC Auftragskonto;Bankname Auftragskonto;"
    "Buchungstag;Valutadatum;Name Zahlungsbeteiligter;IBAN Zahlungsbeteiligter;"
    "BIC (SWIFT-Code) Zahlungsbeteiligter;Buchungstext;Verwendungszweck;Betrag;Waehrung;"
    "Saldo nach Buchung;Bemerkung;Kategorie;Steuerrelevant;Glaeubiger ID;Mandatsreferenz"
)


def book_month(
    month: tuple[int, int],
    rows: Sequence[tuple[PlannedLoan, datetime.date, Decimal]],
    *,
    actor: User,
) -> None:
    """The month's repayments as the bank's statement brings them: the CSV export of the
    repayment account, imported (`statement_import` matches each credit by the contract number
    in its remittance text and books them all at once)."""
    year, number = month
    statement_import(
        content=statement_csv(rows),
        file_name=f"GLS-Umsaetze-{year}-{number:02d}.csv",
        actor=actor,
    )


def statement_csv(rows: Sequence[tuple[PlannedLoan, datetime.date, Decimal]]) -> bytes:
    """The bank's CSV export (GLS Bank online banking) of the repayments `rows`."""
    lines = [CSV_HEADER]
    for plan, day, amount in sorted(rows, key=lambda row: (row[1], row[0].contract_number)):
        euros, cents = f"{amount:.2f}".split(".")
        lines.append(
            ";".join(
                (
                    "Mikrokredite Rückzahlung",
                    REPAYMENT_ACCOUNT,
                    "GENODEM1GLS",
                    "GLS Gemeinschaftsbank",
                    f"{day:%d.%m.%Y}",
                    f"{day:%d.%m.%Y}",
                    plan.person.first_name + " " + plan.person.last_name,
                    plan.person.iban,
                    "",
                    "Dauerauftragsgutschr",
                    f"Rate {plan.contract_number}",
                    f"{int(euros):,}".replace(",", ".") + "," + cents,
                    "EUR",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                )
            )
        )
    return ("\n".join(lines) + "\n").encode()


# What the guarantors of the three defaults did: the relative paid in full; the friend paid in
# two of them and could not in the third (the claim waived and written off as well).
GUARANTOR_PAID_AFTER = (datetime.timedelta(days=45), datetime.timedelta(days=75))
DEFAULT_REASON = (
    "Zahlungen seit Monaten eingestellt, Betrieb aufgegeben; Ratenplan und Stundung ohne "
    "Erfolg (Gespräche mit der Beraterin im Quartier)."
)


def declare_default(plan: PlannedLoan, *, loan_id: int, staff: User, today: datetime.date) -> None:
    """The default of `plan` as the back office declared it (`credits.servicing`): the rest of
    the principal claimed from the guarantors, what they do not cover written off against the
    fund; then what the guarantors paid, or the claim waived."""
    day = plan.behaviour.default_on
    assert day is not None
    loan = Loan.objects.get(pk=loan_id)
    servicing.loan_declare_default(
        loan=loan, reason=DEFAULT_REASON, day=day, actor=staff, today=today
    )
    waives = day == DEFAULT_DAYS[1]
    claims = GuarantorClaim.objects.filter(loan=loan).order_by("pk")
    for n, claim in enumerate(claims):
        paid_on = min(day + GUARANTOR_PAID_AFTER[min(n, 1)], today)
        if n > 0 and waives:
            guarantor_services.claim_waive(
                claim=claim,
                note="Bürge arbeitslos und ohne pfändbares Einkommen.",
                actor=staff,
                day=paid_on,
            )
        else:
            guarantor_services.claim_record_payment(
                claim=claim, amount=claim.amount_open, day=paid_on, actor=staff
            )


def propose_pause(*, loan_id: int, staff: User, today: datetime.date) -> None:
    """A loan of today in arrears: the back office proposes three months of interest only; the
    second member of staff has yet to decide (the demo shows the proposal waiting)."""
    loan = Loan.objects.get(pk=loan_id)
    if loan.status != Loan.Status.RUNNING:
        return
    servicing.rescheduling_propose(
        loan=loan,
        kind=ScheduleVersion.Kind.PAUSE,
        reason="Umsatzeinbruch nach Baustelle vor dem Laden; drei Monate nur Zinsen, danach "
        "die Raten wie vereinbart.",
        actor=staff,
        pause_months=3,
        today=today,
    )
