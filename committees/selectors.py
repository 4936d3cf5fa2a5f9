from django.db.models import Q, QuerySet
from django.utils import timezone

from miqua.accounts.models import User

from .models import CommitteeMembership


def current_memberships_of(*, user: User) -> QuerySet[CommitteeMembership]:
    """The committees a person sits on today (a membership has a start and maybe an end)."""
    today = timezone.localdate()
    return (
        CommitteeMembership.objects.filter(member=user, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related(
            "committee__quarter__municipality", "committee__municipality", "organisation"
        )
    )
