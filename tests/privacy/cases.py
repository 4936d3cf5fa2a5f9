"""People with something in every place MIQUA keeps personal data: the cases of the GDPR tests.

`rich_borrower` builds a borrower with a record in every holding registered for borrowers (an
application withdrawn, one paid out and defaulted with its payments, schedule, claims and
write-off, documents, bank entries, committee votes, contacts, a loan in arrears on a 15th),
every free text distinctive. `other_borrower` is a second person of the same quarter in the
same contexts (the same ballot, statement and guarantor), whose traces must never show in the
first one's information. Call them with scopes disabled.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from committees.models import Ballot, BallotCase, Vote
from credits import servicing
from credits.loan_services import payment_record
from credits.models import (
    Application,
    ApplicationDocument,
    ApplicationTransition,
    BankEntry,
    BankStatement,
    Borrower,
    Loan,
)
from guarantors.models import Guarantor, GuarantorClaim
from guarantors.services import claim_record_payment
from miqua.accounts.models import Role, User
from monitoring.contact_models import Contact
from monitoring.models import LoanSnapshot, MonthlyCheck
from quarters.models import Quarter
from tests import factories

TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
S = Application.Status


@dataclass
class Case:
    borrower: Borrower
    withdrawn: Application
    funded: Application
    loan: Loan
    guarantor: Guarantor
    document: ApplicationDocument
    texts: list[str]  # distinctive texts of this person, to look for (or not)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A moment of `day` in Berlin."""
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def end_application(
    application: Application, status: str, when: datetime.datetime, **fields: object
) -> Application:
    """Put an application into a final state with its step at `when` (the step's time is what
    the erasure counts from)."""
    Application.objects.filter(pk=application.pk).update(
        status=status, decided_at=when if status == S.REJECTED else None, **fields
    )
    step = ApplicationTransition.objects.create(
        application=application,
        quarter=application.quarter,
        from_status=S.BEFORE_COMMITTEE,
        to_status=status,
        comment=f"Schritt {application.pk}",
    )
    ApplicationTransition.objects.filter(pk=step.pk).update(created_at=when)
    application.refresh_from_db()
    return application


def close_loan(loan: Loan, day: datetime.date, status: str = Loan.Status.REPAID) -> Loan:
    Loan.objects.filter(pk=loan.pk).update(status=status, closed_on=day)
    loan.refresh_from_db()
    return loan


def _staff_pair() -> tuple[User, User]:
    staff = User.objects.filter(role=Role.STAFF).order_by("pk")
    first = staff.first() or factories.UserFactory(role=Role.STAFF)
    second = staff.exclude(pk=first.pk).first() or factories.UserFactory(role=Role.STAFF)
    return first, second


def _ballot(quarter: Quarter) -> Ballot:
    ballot = Ballot.objects.filter(committee__quarter=quarter, title="Sitzung Juni").first()
    if ballot is None:
        committee = factories.CommitteeFactory(quarter=quarter)
        ballot = Ballot.objects.create(
            committee=committee,
            kind=Ballot.Kind.MEETING,
            title="Sitzung Juni",
            meeting_on=at(datetime.date(2025, 1, 10)),
            opened_by=_staff_pair()[0],
            status=Ballot.Status.CLOSED,
            closed_at=at(datetime.date(2025, 1, 10)),
        )
    return ballot


def _statement() -> BankStatement:
    statement = BankStatement.objects.filter(file_name="kontoauszug.csv").first()
    return statement or BankStatement.objects.create(
        file_name="kontoauszug.csv", file_format=BankStatement.Format.CSV
    )


def borrower_case(
    *,
    quarter: Quarter,
    advisor: User,
    first_name: str,
    last_name: str,
    tag: str,
    iban: str,
    guarantor: Guarantor | None = None,
) -> Case:
    """A borrower with a record in every holding; `tag` marks each of their texts."""
    staff, second = _staff_pair()
    borrower = factories.BorrowerFactory(
        quarter=quarter,
        first_name=first_name,
        last_name=last_name,
        email=f"{tag.lower()}@example.org",
        phone=f"0170 {tag}",
        street=f"{tag}weg 7",
        postal_code="63065",
        city="Offenbach am Main",
        languages=f"Deutsch, {tag}isch",
        receives_sgb2=True,
        bank_relationship=Borrower.BankRelationship.ACCOUNT,
    )
    texts = {
        f: f"{tag} {f}"
        for f in (
            "business_name",
            "purpose",
            "improves_situation",
            "can_repay",
            "repayable_if_closed_note",
            "staff_assessment",
            "recommendation",
        )
    }
    withdrawn = factories.ApplicationFactory(
        quarter=quarter, advisor=advisor, borrower=borrower, **texts
    )
    end_application(
        withdrawn,
        S.WITHDRAWN,
        at(datetime.date(2025, 2, 3)),
        outcome=Application.Outcome.BANK_FINANCED,
        outcome_note=f"{tag} outcome_note",
    )
    document = ApplicationDocument(
        application=withdrawn,
        quarter=quarter,
        kind=ApplicationDocument.Kind.IDENTITY,
        original_name=f"Ausweis-{tag}.pdf",
        content_type="application/pdf",
        size=len(TINY_PDF),
        uploaded_by=advisor,
    )
    document.file.save("Ausweis.pdf", ContentFile(TINY_PDF), save=True)

    loan = factories.paid_out_loan(
        quarter=quarter,
        recorder=staff,
        confirmer=second,
        borrower=borrower,
        iban=iban,
        contract_number=f"KV-{tag}",
        disbursed_on=datetime.date(2024, 1, 15),
        term_months=12,
    )
    funded = loan.application
    Application.objects.filter(pk=funded.pk).update(
        conditions=f"{tag} conditions", **{k: f"{v} (2)" for k, v in texts.items()}
    )
    guarantee = factories.GuaranteeFactory(
        application=funded,
        amount=Decimal("2500.00"),
        relation=f"{tag} relation",
        **({"guarantor": guarantor} if guarantor else {}),
    )
    payment_record(
        loan=loan,
        amount=Decimal("200.00"),
        value_date=datetime.date(2024, 2, 20),
        note=f"{tag} payment note",
        actor=staff,
        today=datetime.date(2024, 3, 1),
    )
    statement = _statement()
    # One booked to the loan (not a repayment after all), one from their IBAN awaiting review.
    for key, day, payer, remittance, status, booked_to in (
        (
            "booked",
            datetime.date(2024, 3, 30),
            f"{last_name.upper()} {tag}",
            "Rate März",
            "not_repayment",
            loan,
        ),
        ("review", datetime.date(2024, 4, 30), f"{tag} Zahler", "unklar", "review", None),
    ):
        BankEntry.objects.create(
            statement=statement,
            entry_key=f"{tag}-{key}",
            booking_date=day,
            value_date=day,
            amount=Decimal("1.00"),
            is_credit=True,
            counterparty_name=payer,
            counterparty_iban=iban,
            remittance=f"{tag} {remittance}",
            status=status,
            loan=booked_to,
            review_note=f"{tag} review note",
        )
    check, _created = MonthlyCheck.objects.get_or_create(as_of=datetime.date(2024, 5, 15))
    LoanSnapshot.objects.create(
        check_run=check,
        loan=loan,
        quarter=quarter,
        municipality=quarter.municipality,
        amount_in_arrears=Decimal("300.00"),
        oldest_unpaid_due_on=datetime.date(2024, 3, 30),
        days_past_due=46,
    )
    Contact.objects.create(
        quarter=quarter,
        borrower=borrower,
        loan=loan,
        contacted_on=datetime.date(2024, 5, 20),
        channel=Contact.Channel.VISIT,
        by=advisor,
        note=f"{tag} contact note",
        next_step=f"{tag} next step",
        next_step_on=datetime.date(2024, 6, 1),
    )
    case = BallotCase.objects.create(
        ballot=_ballot(quarter),
        application=funded,
        quarter=quarter,
        result=BallotCase.Result.APPROVED_WITH_CONDITIONS,
        is_open=False,
        reasoning={"yes": 1, "no": 0},
        conditions=f"{tag} case conditions",
    )
    member = factories.UserFactory(role=Role.COMMITTEE_MEMBER)
    Vote.objects.create(
        case=case,
        quarter=quarter,
        member=member,
        choice=Vote.Choice.APPROVE_WITH_CONDITIONS,
        conditions=f"{tag} vote conditions",
        comment=f"{tag} vote comment",
        recorded_by=staff,
    )
    servicing.rescheduling_propose(
        loan=loan,
        kind="pause",
        pause_months=1,
        reason=f"{tag} schedule reason",
        actor=staff,
        today=datetime.date(2024, 6, 2),
    )
    servicing.loan_declare_default(
        loan=loan, reason=f"{tag} default reason", day=datetime.date(2024, 7, 15), actor=staff
    )
    # The guarantor paid: no claim is open (an open one keeps the people, a test of its own).
    for claim in GuarantorClaim.objects.filter(loan=loan):
        claim_record_payment(
            claim=claim, amount=claim.amount_open, day=datetime.date(2024, 8, 1), actor=staff
        )
    loan.refresh_from_db()
    return Case(
        borrower=borrower,
        withdrawn=withdrawn,
        funded=funded,
        loan=loan,
        guarantor=guarantee.guarantor,
        document=document,
        texts=[
            first_name,
            last_name,
            f"0170 {tag}",
            f"{tag}weg 7",
            iban,
            *[f"{tag} {f}" for f in texts],
            f"{tag} contact note",
            f"{tag} vote comment",
            f"{tag} payment note",
            f"{tag} unklar",
        ],
    )
