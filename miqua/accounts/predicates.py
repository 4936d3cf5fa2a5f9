"""Predicates for django-rules: the user's role, and whether an object lies in a quarter the user
may see.

Inside a request the quarter scope already hides every foreign object, but tasks, commands and
the admin run outside it, so a rule must hold on its own. Every app registers its rules with
`add_rule`, which puts the quarter check `in_visible_quarter` in front of the rule's own
predicate: asked about a foreign quarter's object, every rule says no, whatever the role.
Asked without an object ("may advisors add applications at all?"), the role decides.
"""

import rules
from django.core.exceptions import PermissionDenied

from . import scoping
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


def has_role_in(roles: frozenset[str]) -> rules.Predicate:
    """The user's role is one of `roles` (a column of a table, such as the workflow's)."""
    names = ", ".join(sorted(roles))
    return rules.Predicate(lambda user: _role(user) in roles, name=f"has_role_in({names})")


@rules.predicate
def in_visible_quarter(user: object, obj: object) -> bool:
    """The object lies in a quarter the user may see (`scoping.object_visible`): staff and
    administrators every quarter, an advisor the quarters they advise, a committee member those
    of the committees they sit on today, a municipality viewer those of their municipality.

    A ballot lies in its committee's quarters; that a member sits on that very committee is
    the committee rules' own part (`sits_on_ballot_committee`, `chairs_ballot_committee`)."""
    if obj is None:
        return True
    if _role(user) is None:
        return False
    return scoping.object_visible(user, obj)  # type: ignore[arg-type]


def add_rule(name: str, predicate: rules.Predicate) -> None:
    """Register the permission `name`: the object lies in a quarter the user may see, and
    `predicate` (the role, the object's state) holds."""
    rules.add_perm(name, in_visible_quarter & predicate)


def require_perm(actor: object, perm: str, obj: object = None) -> None:
    """The first line of a service: the acting user holds `perm` (for `obj`), else
    PermissionDenied. One helper for every app's services, so a refusal looks the same."""
    if not actor.has_perm(perm, obj):  # type: ignore[attr-defined]
        raise PermissionDenied
