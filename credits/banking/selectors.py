"""Reads of the imported bank statements (the back office's; they lie in no quarter)."""

from django.db.models import Count, F, Q, QuerySet

from credits.models import BankEntry, BankStatement

S = BankEntry.Status


def statements_with_counts() -> QuerySet[BankStatement]:
    """The statements, newest import first, each with how many of its entries were booked,
    await review or were debits, and how many the file held that were imported before."""
    return (
        BankStatement.objects.select_related("imported_by")
        .annotate(
            booked=Count("entries", filter=Q(entries__status=S.BOOKED)),
            waiting=Count("entries", filter=Q(entries__status=S.REVIEW)),
            debits=Count("entries", filter=Q(entries__status=S.DEBIT)),
            skipped=F("entry_count") - F("new_count"),
        )
        .order_by("-imported_at", "-id")
    )
