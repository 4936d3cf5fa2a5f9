"""Role predicates for django-rules. Which quarter an object belongs to is not checked here:
the quarter scope already hides every foreign object."""

import rules

from .models import NETWORK_ROLES, Role


def _role(user: object) -> str | None:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return getattr(user, "role", None)


@rules.predicate
def is_network_staff(user: object) -> bool:
    return _role(user) in NETWORK_ROLES


@rules.predicate
def is_administrator(user: object) -> bool:
    return _role(user) == Role.ADMINISTRATOR


@rules.predicate
def is_advisor(user: object) -> bool:
    return _role(user) == Role.ADVISOR


@rules.predicate
def is_municipality_viewer(user: object) -> bool:
    return _role(user) == Role.MUNICIPALITY_VIEWER


@rules.predicate
def is_committee_member(user: object) -> bool:
    return _role(user) == Role.COMMITTEE_MEMBER
