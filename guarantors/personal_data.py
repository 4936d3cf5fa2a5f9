"""What guarantors holds about a guarantor (and, in the guarantees of their applications, about
a borrower), how it is erased and how long it is kept (`miqua.personal_data`).

A guarantor is kept as long as any application they guarantee for: while it is open or its
loan runs, then MIQUA_ERASE_UNFUNDED_MONTHS after an application that never became a loan,
MIQUA_RETENTION_YEARS after the closing of a loan. A claim still open keeps the guarantor and
the borrower of the loan. Erased: names (pseudonym), contact data, address, date of birth, the
relation to the borrower and the notes on claims; the amounts stay.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.db.models import F
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from credits.models import Application
from credits.personal_data import application_ended_at, unfunded_ended, unfunded_in_use
from miqua.personal_data import (
    BORROWER,
    GUARANTOR,
    Holding,
    Period,
    Person,
    RetentionRule,
    pseudonymise,
)

from .models import Guarantee, Guarantor, GuarantorClaim

# "Person B-17": Bürge/Bürgin.
GUARANTOR_PERSON_PREFIX = "B"
OPEN_CLAIM_STATES = (GuarantorClaim.Status.DEMANDED, GuarantorClaim.Status.PARTLY_PAID)

HOLDINGS = [
    Holding(
        GUARANTOR,
        "guarantors.guarantor",
        Guarantor,
        "pk",
        eraser=lambda ids: pseudonymise(
            Guarantor.objects.filter(pk__in=ids),
            prefix=GUARANTOR_PERSON_PREFIX,
            date_of_birth=None,
        ),
    ),
    Holding(GUARANTOR, "guarantors.guarantees", Guarantee, "guarantor_id", {"relation": ""}),
    Holding(
        GUARANTOR, "guarantors.claims", GuarantorClaim, "guarantee__guarantor_id", {"note": ""}
    ),
    # The guarantees of a borrower's applications belong to their case; what is personal in
    # them is the guarantor's, erased with the guarantor.
    Holding(BORROWER, "guarantors.guarantees", Guarantee, "application__borrower_id"),
]

RULES = [
    RetentionRule(
        GUARANTOR,
        "guarantors.applications",
        _("Guaranteed application ended without a loan"),
        Period.UNFUNDED,
        in_use=lambda: Guarantee.objects.filter(unfunded_in_use("application__")).values_list(
            "guarantor_id"
        ),
        ended=lambda: Guarantee.objects.filter(unfunded_ended("application__")).annotate(
            person=F("guarantor_id"), ended_on=TruncDate(application_ended_at("application__"))
        ),
    ),
    RetentionRule(
        GUARANTOR,
        "guarantors.loans",
        _("Guaranteed loan closed, retention period over (HGB § 257, AO § 147)"),
        Period.RETENTION,
        in_use=lambda: Guarantee.objects.filter(
            application__loan__isnull=False, application__loan__closed_on__isnull=True
        ).values_list("guarantor_id"),
        ended=lambda: Guarantee.objects.filter(application__loan__closed_on__isnull=False).annotate(
            person=F("guarantor_id"), ended_on=F("application__loan__closed_on")
        ),
    ),
    RetentionRule(
        GUARANTOR,
        "guarantors.open_claims",
        _("Claim on the guarantor still open"),
        Period.RETENTION,
        in_use=lambda: GuarantorClaim.objects.filter(status__in=OPEN_CLAIM_STATES).values_list(
            "guarantee__guarantor_id"
        ),
    ),
    # A guarantor removed from every application they were added to.
    RetentionRule(
        GUARANTOR,
        "guarantors.recorded",
        _("Recorded without a guarantee"),
        Period.UNFUNDED,
        ended=lambda: Guarantor.objects.filter(guarantees__isnull=True).annotate(
            person=F("pk"), ended_on=TruncDate("created_at")
        ),
    ),
    RetentionRule(
        BORROWER,
        "guarantors.open_claims",
        _("Claim on a guarantor of the loan still open"),
        Period.RETENTION,
        in_use=lambda: GuarantorClaim.objects.filter(status__in=OPEN_CLAIM_STATES).values_list(
            "loan__borrower_id"
        ),
    ),
]


def guarantor_references(ids: Sequence[int]) -> Mapping[int, list[str]]:
    """The applications a guarantor stands for."""
    references: dict[int, list[str]] = defaultdict(list)
    rows = (
        Guarantee.objects.filter(guarantor_id__in=ids)
        .order_by("application_id")
        .values_list("application_id", "guarantor_id")
    )
    for application_id, guarantor_id in rows:
        references[guarantor_id].append(Application(pk=application_id).reference)
    return references


PERSON = Person(
    GUARANTOR, Guarantor, GUARANTOR_PERSON_PREFIX, "guarantor_detail", guarantor_references
)
