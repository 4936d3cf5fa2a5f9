"""What credits holds about a borrower, how it is erased, and how long it is kept
(`miqua.personal_data` says why this is a registry).

Erased: names (replaced by the pseudonym), contact data, address, date of birth, languages,
Jobcenter benefits and bank relationship, the IBAN, every free text about the person and their
business, and the documents (from the storage too). Kept: amounts, dates, quarter, trade,
stage, jobs, statuses, outcomes and the contract number, so every figure stays the same.

Kept for: an application that never became a loan, MIQUA_ERASE_UNFUNDED_MONTHS after its end
(rejected, withdrawn, lapsed); a loan, MIQUA_RETENTION_YEARS after its closing (repaid,
defaulted); an open application or a running loan keeps the person altogether.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from miqua.personal_data import (
    BORROWER,
    Holding,
    Period,
    Person,
    RetentionRule,
    pseudonymise,
)

from .models import (
    Application,
    ApplicationDocument,
    ApplicationTransition,
    BankEntry,
    Borrower,
    FundLedgerEntry,
    Instalment,
    Loan,
    Payment,
    ScheduleVersion,
)

S = Application.Status
# The ends of an application that never became a loan (an approval is kept until it is paid
# out, withdrawn or lapses; deferred ones come back before the committee).
UNFUNDED_END_STATES = (S.REJECTED, S.WITHDRAWN, S.LAPSED)
# "Person K-4711": Kreditnehmer/in.
BORROWER_PERSON_PREFIX = "K"


def application_ended_at(path: str = "") -> Coalesce:
    """When an application reached its present state: the step into it (rejected, withdrawn,
    lapsed), else the decision, else the last change. `path` leads from the queried model to
    the application ("application__" from a guarantee)."""
    step = (
        ApplicationTransition.objects.filter(
            application=OuterRef(f"{path}pk"), to_status=OuterRef(f"{path}status")
        )
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    return Coalesce(Subquery(step), F(f"{path}decided_at"), F(f"{path}updated_at"))


def unfunded_in_use(path: str = "") -> Q:
    """An application without a loan that is not over: open, or approved and not paid out."""
    return Q(**{f"{path}loan__isnull": True}) & ~Q(**{f"{path}status__in": UNFUNDED_END_STATES})


def unfunded_ended(path: str = "") -> Q:
    return Q(**{f"{path}loan__isnull": True, f"{path}status__in": UNFUNDED_END_STATES})


# --- The records ------------------------------------------------------------------------------


def _erase_borrowers(ids: Sequence[int]) -> int:
    return pseudonymise(
        Borrower.objects.filter(pk__in=ids),
        prefix=BORROWER_PERSON_PREFIX,
        date_of_birth=None,
        languages="",
        receives_sgb2=None,
        bank_relationship="",
    )


def _erase_documents(ids: Sequence[int]) -> int:
    """Each file from the storage (local or S3), then the rows. A storage that fails rolls the
    erasure back, and the next run tries again; deleting a file already gone is no error."""
    documents = ApplicationDocument.objects.filter(application__borrower_id__in=ids)
    for document in documents.only("pk", "file"):
        if document.file.name:
            document.file.storage.delete(document.file.name)
    deleted, _per_model = documents.delete()
    return deleted


def _bank_entries(ids: Sequence[int]) -> QuerySet[BankEntry]:
    """Booked to their loans, or waiting for review from the IBAN of one of their loans."""
    ibans = Loan.objects.filter(borrower_id__in=ids).exclude(iban="").values("iban")
    return BankEntry.objects.filter(
        Q(loan__borrower_id__in=ids) | Q(loan__isnull=True, counterparty_iban__in=ibans)
    )


APPLICATION_TEXTS = (
    "business_name",
    "purpose",
    "improves_situation",
    "can_repay",
    "repayable_if_closed_note",
    "staff_assessment",
    "recommendation",
    "conditions",
    "outcome_note",
)
BANK_ENTRY_TEXTS = ("counterparty_name", "counterparty_iban", "remittance", "review_note")

HOLDINGS = [
    Holding(BORROWER, "credits.borrower", Borrower, "pk", eraser=_erase_borrowers),
    Holding(
        BORROWER,
        "credits.applications",
        Application,
        "borrower_id",
        dict.fromkeys(APPLICATION_TEXTS, ""),
    ),
    Holding(
        BORROWER,
        "credits.transitions",
        ApplicationTransition,
        "application__borrower_id",
        {"comment": ""},
    ),
    Holding(
        BORROWER,
        "credits.documents",
        ApplicationDocument,
        "application__borrower_id",
        eraser=_erase_documents,
    ),
    # Before the loans: the entries waiting for review are found by the loans' IBAN.
    Holding(
        BORROWER,
        "credits.bank_entries",
        BankEntry,
        blanks=dict.fromkeys(BANK_ENTRY_TEXTS, ""),
        select=_bank_entries,
    ),
    Holding(BORROWER, "credits.loans", Loan, "borrower_id", {"iban": "", "closing_reason": ""}),
    Holding(
        BORROWER, "credits.schedule_versions", ScheduleVersion, "loan__borrower_id", {"reason": ""}
    ),
    Holding(BORROWER, "credits.instalments", Instalment, "loan__borrower_id"),
    Holding(BORROWER, "credits.payments", Payment, "loan__borrower_id", {"note": ""}),
    Holding(BORROWER, "credits.fund_entries", FundLedgerEntry, "loan__borrower_id", {"note": ""}),
]


# --- How long -----------------------------------------------------------------------------------

RULES = [
    RetentionRule(
        BORROWER,
        "credits.applications",
        _("Application ended without a loan"),
        Period.UNFUNDED,
        in_use=lambda: Application.objects.filter(unfunded_in_use()).values_list("borrower_id"),
        ended=lambda: Application.objects.filter(unfunded_ended()).annotate(
            person=F("borrower_id"), ended_on=TruncDate(application_ended_at())
        ),
    ),
    RetentionRule(
        BORROWER,
        "credits.loans",
        _("Loan closed, retention period over (HGB § 257, AO § 147)"),
        Period.RETENTION,
        in_use=lambda: Loan.objects.filter(closed_on__isnull=True).values_list("borrower_id"),
        ended=lambda: Loan.objects.filter(closed_on__isnull=False).annotate(
            person=F("borrower_id"), ended_on=F("closed_on")
        ),
    ),
    # A person recorded without any application or loan (left over from a removed draft) is
    # kept as long as an application would be.
    RetentionRule(
        BORROWER,
        "credits.recorded",
        _("Recorded without an application"),
        Period.UNFUNDED,
        ended=lambda: Borrower.objects.filter(
            applications__isnull=True, loans__isnull=True
        ).annotate(person=F("pk"), ended_on=TruncDate("created_at")),
    ),
]


def borrower_references(ids: Sequence[int]) -> Mapping[int, list[str]]:
    references: dict[int, list[str]] = defaultdict(list)
    for pk, borrower_id in (
        Application.objects.filter(borrower_id__in=ids).order_by("pk").values_list("pk", "borrower")
    ):
        references[borrower_id].append(Application(pk=pk).reference)
    for number, borrower_id in (
        Loan.objects.filter(borrower_id__in=ids)
        .order_by("disbursed_on", "pk")
        .values_list("contract_number", "borrower")
    ):
        references[borrower_id].append(number)
    return references


PERSON = Person(BORROWER, Borrower, BORROWER_PERSON_PREFIX, "borrower_detail", borrower_references)
