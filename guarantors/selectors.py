"""Reads about guarantors and guarantees, inside the active quarter scope."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from credits.models import Application, Loan
from miqua.money import ZERO, quantize_eur
from quarters.models import Quarter

from .models import Guarantee, Guarantor, GuarantorClaim


@dataclass(frozen=True)
class GuaranteeCover:
    """How far the guarantees of an application meet its product's rule: at least
    `required_count` guarantors who together stand for `required_total`."""

    count: int
    total: Decimal
    required_total: Decimal
    required_count: int

    @property
    def is_sufficient(self) -> bool:
        return self.count >= self.required_count and self.total >= self.required_total

    @property
    def missing_total(self) -> Decimal:
        return max(self.required_total - self.total, ZERO)

    @property
    def missing_count(self) -> int:
        return max(self.required_count - self.count, 0)


def guarantee_cover(*, application: Application) -> GuaranteeCover:
    totals = Guarantee.objects.filter(application=application).aggregate(
        count=Count("id"), total=Sum("amount")
    )
    amount = application.amount or ZERO
    required = quantize_eur(amount * application.product.guarantee_share / 100)
    return GuaranteeCover(
        count=totals["count"],
        total=totals["total"] or ZERO,
        required_total=required,
        required_count=application.product.min_guarantors,
    )


def guarantees_of(*, application: Application) -> list[Guarantee]:
    return list(Guarantee.objects.filter(application=application).select_related("guarantor"))


def open_guarantee_totals(*, guarantor_ids: list[int]) -> dict[int, Decimal]:
    """What each guarantor currently stands for: guarantees on applications still open or
    approved with a loan not yet repaid (rejected, withdrawn and repaid ones are over)."""
    rows = (
        Guarantee.objects.filter(guarantor_id__in=guarantor_ids)
        .exclude(
            application__status__in=[Application.Status.REJECTED, Application.Status.WITHDRAWN]
        )
        .exclude(application__loan__status__in=[Loan.Status.REPAID])
        .values("guarantor_id")
        .annotate(total=Sum("amount"))
    )
    totals = {row["guarantor_id"]: row["total"] for row in rows}
    return {gid: totals.get(gid) or ZERO for gid in guarantor_ids}


def guarantees_with_open_totals(*, application: Application) -> list[tuple[Guarantee, Decimal]]:
    guarantees = guarantees_of(application=application)
    totals = open_guarantee_totals(guarantor_ids=[g.guarantor_id for g in guarantees])
    return [(g, totals[g.guarantor_id]) for g in guarantees]


def guarantors_of_quarter(*, quarter: Quarter) -> QuerySet[Guarantor]:
    return Guarantor.objects.filter(quarter=quarter).order_by("last_name", "first_name")


def known_guarantor(
    *,
    quarter: Quarter,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None = None,
) -> Guarantor | None:
    """The guarantor of the quarter that a "new" one probably is: the same names (whatever the
    case) and, if a date of birth was given, the same date of birth.

    The names are compared in Python, case-folded: SQLite's case-insensitive matching knows
    ASCII only, so "ÖZTÜRK" would not find "Öztürk" there. A date of birth narrows the
    candidates in the database first.
    """
    wanted = (first_name.strip().casefold(), last_name.strip().casefold())
    if not all(wanted):
        return None
    candidates = guarantors_of_quarter(quarter=quarter)
    if date_of_birth is not None:
        candidates = candidates.filter(date_of_birth=date_of_birth)
    for guarantor in candidates:
        if (guarantor.first_name.strip().casefold(), guarantor.last_name.strip().casefold()) == (
            wanted
        ):
            return guarantor
    return None


def claims_of(*, loan: Loan) -> list[GuarantorClaim]:
    """The guarantors' claims of a defaulted loan, in the order demanded."""
    return list(
        GuarantorClaim.objects.filter(loan=loan)
        .select_related("guarantee__guarantor", "demanded_by", "changed_by")
        .order_by("id")
    )


def guarantees_of_guarantor(*, guarantor: Guarantor) -> list[Guarantee]:
    """What a guarantor stands for, newest application first, with each application's borrower
    and loan (the guarantor's page): one query."""
    return list(
        Guarantee.objects.filter(guarantor=guarantor)
        .select_related("application__borrower", "application__loan")
        .order_by("-application__created_at", "-pk")
    )


def claims_of_guarantor(*, guarantor: Guarantor) -> list[GuarantorClaim]:
    return list(
        GuarantorClaim.objects.filter(guarantee__guarantor=guarantor)
        .select_related("loan")
        .order_by("demanded_on", "pk")
    )
