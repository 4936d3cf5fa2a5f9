"""What part of the network a user may see, resolved once per request (or task).

The answer is the value of django-scopes' `quarter` dimension: `None` means every quarter,
a list means exactly those quarters (an empty list: none). Every quarter-owned model declares
a scoped manager on that dimension, so a query outside a scope raises instead of leaking.

Each role's answer comes from the resolver registered for it. The roles of the network are
resolved here; an app higher up that gives a role its place registers that role's resolver
in its `AppConfig.ready()` (committees: a member sees the quarters of their committees), so
this module never imports it. A role nobody registered sees nothing.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django_scopes import scope, scopes_disabled

from .models import Role, User

# A role's resolver: the ids of the quarters a user of that role may see, or None for every
# quarter. It runs with scopes disabled (the scope is what is being resolved).
QuarterResolver = Callable[[User], Iterable[int] | None]

_resolvers: dict[str, QuarterResolver] = {}

# The answers are kept on the user object: the middleware resolves the quarters for the scope,
# and every rule asked during the same request (or task) reads them again without a query.
_CACHE_ATTRIBUTE = "_miqua_visible_quarter_ids"
_PLACED_ATTRIBUTE = "_miqua_visible_objects"


def register_visible_quarters(role: str, resolver: QuarterResolver) -> None:
    """Let `resolver(user)` answer which quarters a user of `role` may see. One resolver per
    role: a second one would silently decide instead of the first."""
    if role not in Role.values:
        raise ImproperlyConfigured(f"Unknown role {role!r}.")
    current = _resolvers.get(role)
    if current is not None and current is not resolver:
        raise ImproperlyConfigured(f"The quarters of {role!r} are resolved by {current!r}.")
    _resolvers[role] = resolver


def _every_quarter(user: User) -> None:
    return None


def _advised_quarters(user: User) -> Iterable[int]:
    return user.advised_quarters.values_list("pk", flat=True)


def _municipality_quarters(user: User) -> Iterable[int]:
    from quarters.models import Quarter

    if user.municipality_id is None:
        return []
    return Quarter.objects.filter(municipality_id=user.municipality_id).values_list("pk", flat=True)


register_visible_quarters(Role.STAFF, _every_quarter)
register_visible_quarters(Role.ADMINISTRATOR, _every_quarter)
register_visible_quarters(Role.ADVISOR, _advised_quarters)
register_visible_quarters(Role.MUNICIPALITY_VIEWER, _municipality_quarters)


def _resolve(user: User) -> frozenset[int] | None:
    # getattr/setattr, not __dict__: request.user is a lazy object that passes them on to
    # the user, whose methods (has_perm) the rules see.
    if hasattr(user, _CACHE_ATTRIBUTE):
        cached: frozenset[int] | None = getattr(user, _CACHE_ATTRIBUTE)
        return cached
    resolver = _resolvers.get(user.role)
    if resolver is None:
        ids: frozenset[int] | None = frozenset()
    else:
        with scopes_disabled():
            found = resolver(user)
            ids = None if found is None else frozenset(found)
    setattr(user, _CACHE_ATTRIBUTE, ids)
    return ids


def visible_quarter_set(user: User | AnonymousUser) -> frozenset[int] | None:
    """The quarters `user` may see as a set (None: every quarter), for membership tests."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    assert isinstance(user, User)
    return _resolve(user)


def visible_quarter_ids(user: User | AnonymousUser) -> list[int] | None:
    """The value of the `quarter` scope for `user`: None for every quarter, else a list."""
    ids = visible_quarter_set(user)
    return None if ids is None else sorted(ids)


def object_visible(user: User | AnonymousUser, obj: object) -> bool:
    """Whether `obj` lies in a quarter `user` may see, asked outside any scope as well as in
    one: what the user's scope would find. A quarter is placed by itself, a quarter-owned
    object by its `quarter_id` (no query); anything else scoped on the `quarter` dimension (a
    fund's contribution, a committee of a whole municipality, a ballot) by its own scoped
    manager asked in the user's scope, once per user and object. An object that lies in no
    quarter at all (a municipality, a user) is for those who see every quarter."""
    visible = visible_quarter_set(user)
    if visible is None:
        return True
    from quarters.models import Quarter

    if isinstance(obj, Quarter):
        return obj.pk in visible
    quarter_id = getattr(obj, "quarter_id", None)
    if isinstance(quarter_id, int):
        return quarter_id in visible
    if not isinstance(obj, Model) or obj.pk is None:
        return False
    manager = type(obj)._default_manager
    if not hasattr(manager, "with_scope"):  # not scoped on the quarter dimension
        return False
    if not hasattr(user, _PLACED_ATTRIBUTE):
        setattr(user, _PLACED_ATTRIBUTE, {})
    placed: dict[tuple[str, object], bool] = getattr(user, _PLACED_ATTRIBUTE)
    key = (obj._meta.label, obj.pk)
    if key not in placed:
        placed[key] = manager.with_scope(quarter=sorted(visible)).filter(pk=obj.pk).exists()
    return placed[key]


def forget_visible_quarters(user: User) -> None:
    """Resolve again on the next question: after the user's quarters or committees changed
    while the same user object lives on (a long task, a test)."""
    for attribute in (_CACHE_ATTRIBUTE, _PLACED_ATTRIBUTE):
        if hasattr(user, attribute):
            delattr(user, attribute)


@contextmanager
def user_scope(user: User | AnonymousUser) -> Iterator[None]:
    """Run the block with exactly what `user` may see."""
    with scope(quarter=visible_quarter_ids(user)):
        yield
