"""What part of the network a user may see, resolved once per request (or task).

The answer is the value of django-scopes' `quarter` dimension: `None` means every quarter,
a list means exactly those quarters (an empty list: none). Every quarter-owned model declares
`ScopedManager(quarter=...)`, so a query outside a scope raises instead of leaking.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django_scopes import scope, scopes_disabled

from .models import Role, User


def visible_quarter_ids(user: User | AnonymousUser) -> list[int] | None:
    if not user.is_authenticated or not user.is_active:
        return []
    assert isinstance(user, User)
    if user.role in (Role.STAFF, Role.ADMINISTRATOR):
        return None
    # The scope is being resolved, so no scope is active yet: read the membership tables
    # explicitly unscoped, then filter by the user.
    with scopes_disabled():
        from quarters.models import Quarter

        if user.role == Role.ADVISOR:
            return list(user.advised_quarters.values_list("pk", flat=True))
        if user.role == Role.MUNICIPALITY_VIEWER:
            if user.municipality_id is None:
                return []
            return list(
                Quarter.objects.filter(municipality_id=user.municipality_id).values_list(
                    "pk", flat=True
                )
            )
        if user.role == Role.COMMITTEE_MEMBER:
            from committees.selectors import current_memberships_of

            current = current_memberships_of(user=user)
            return list(
                Quarter.objects.filter(
                    Q(committees__memberships__in=current)
                    | Q(municipality__committees__memberships__in=current)
                )
                .distinct()
                .values_list("pk", flat=True)
            )
    return []


@contextmanager
def user_scope(user: User | AnonymousUser) -> Iterator[None]:
    """Run the block with exactly what `user` may see."""
    with scope(quarter=visible_quarter_ids(user)):
        yield
