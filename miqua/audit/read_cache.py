"""Figures that many people read and few change (the dashboards, the home pages' counts, the
worklists' order), computed once per change of the data instead of once per page view.

A figure is kept under a key made of what is read, the reader's quarter scope, the language,
the day (arrears grow with the calendar), and the newest audit entry's id. Every service writes
an audit entry in its own transaction, so a change of the data gives the next reader new keys
and fresh figures: nothing is invalidated by hand, and no process has to tell another.

Two levels. Each process keeps what it read in its own memory: the objects carry model
instances (the national network's 600 quarter rows), and unpickling them cost as much as reading
them afresh. Behind that, with Redis configured, the shared cache: a figure one web process
computed is there for the others (an advisor's figures are their own, and four workers each
computing them was most of the load benchmark's work). Several processes behind a proxy stay
right because the key is read from the database. What changes data without an audit entry (the
seeds, a shell) is bounded by the timeout, `MIQUA_READ_CACHE_SECONDS` (0 turns the cache off;
the tests do, but for those of the cache itself).

Kept values must pickle to what they are: plain data, model instances, lists; never a lazy
queryset (pickling one reads all its rows). A page of a list is kept as a `KeptPage`. The
objects are shared by the requests of a process: read them, never change them.
"""

import datetime
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.paginator import Page, Paginator
from django.utils import timezone, translation
from django_scopes import get_scope

from .models import AuditEntry

T = TypeVar("T")

# Figures kept per process, the least recently read dropped first. A loan's page keeps about
# eight (its figures, panels and tables: some 10 to 70 KB in all), so 512 held the pages of a
# few dozen loans and the rest came back from Redis, unpickled at nearly the cost of reading
# them afresh; 2,048 entries stay within some 40 MB a process.
MAX_ENTRIES = 2048

_entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_lock = threading.Lock()  # the development server answers in threads


_MISSING = object()


def _shared_cache() -> Any:
    """The cache the processes share (Redis), or None where each process has its own."""
    cache = caches["default"]
    return None if isinstance(cache, LocMemCache) else cache


def clear() -> None:
    with _lock:
        _entries.clear()


# The data version is read once per request: a page that keeps several figures (the loan's
# page and its panels) asks the database once. Begun by request_started, ended by
# request_finished (outside a request, in a task or a command, nothing is remembered), and
# forgotten whenever this process writes an audit entry (miqua/audit/services.py), so a request
# that changes data and then shows it reads the new version.
_request = threading.local()


def request_started(**kwargs: Any) -> None:
    _request.version = None
    _request.active = True


def request_finished(**kwargs: Any) -> None:
    _request.version = None
    _request.active = False


def forget_version() -> None:
    _request.version = None


def data_version() -> int:
    """The newest audit entry's id: it grows with every change a service makes (an index's
    last entry, well under a millisecond)."""
    if getattr(_request, "active", False) and _request.version is not None:
        return _request.version  # type: ignore[no-any-return]
    version = AuditEntry._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    if getattr(_request, "active", False):
        _request.version = version
    return version


def _scope_key() -> str:
    """The quarters the reader's scope lets them see: 'all' for the back office (and outside
    any scope), else a digest of the sorted quarter ids."""
    scope = get_scope()
    quarters = scope.get("quarter")
    if not scope.get("_enabled", False) or quarters is None:
        return "all"
    ids = ",".join(str(pk) for pk in sorted(quarters))
    return hashlib.sha256(ids.encode()).hexdigest()[:24]


_PLAIN = re.compile(r"[A-Za-z0-9_.,:-]{0,120}\Z")


def parts_key(parts: tuple[Hashable, ...]) -> str:
    """The `parts` of a key as they are when plain (ids, a status), else as a digest: a search
    text is any length with spaces and umlauts (which the cache's key check warns of), and a
    name searched for has no place in the cache's list of keys."""
    text = ":".join(str(part) for part in parts)
    if _PLAIN.match(text):
        return text
    return "h" + hashlib.sha256(text.encode()).hexdigest()[:32]


def cached_read(
    name: str, compute: Callable[[], T], *, day: datetime.date, parts: tuple[Hashable, ...] = ()
) -> T:
    """`compute()`, or what it gave for the same reader's scope, day, `parts` and data."""
    seconds = settings.MIQUA_READ_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = ":".join(
        [
            "read",
            name,
            _scope_key(),
            translation.get_language() or "",
            day.isoformat(),
            str(data_version()),
            parts_key(parts),
        ]
    )
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        if entry is not None and entry[0] > now:
            _entries.move_to_end(key)
            return entry[1]  # type: ignore[no-any-return]
    shared = _shared_cache()
    value = shared.get(key, _MISSING) if shared is not None else _MISSING
    if value is _MISSING:
        value = compute()
        if shared is not None:
            shared.set(key, value, seconds)
    with _lock:
        _entries[key] = (now + seconds, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def cached_for(obj: Any, name: str, compute: Callable[[], T]) -> T:
    """`cached_read` of something of one object (a loan's payments, an application's
    documents), for today: the object's pages read it once per change of the data."""
    return cached_read(
        name, compute, day=timezone.localdate(), parts=(obj._meta.label_lower, obj.pk)
    )


class _Counted:
    """What a Paginator needs of a list it does not page itself: its length."""

    def __init__(self, count: int) -> None:
        self._count = count

    def count(self) -> int:
        return self._count


@dataclass(frozen=True)
class KeptPage:
    """A page of a list as plain data: its rows, its number and the list's length. Kept
    instead of Django's Page, whose paginator holds the list's (lazy) query."""

    rows: list[Any]
    number: int
    count: int
    per_page: int

    @classmethod
    def of(cls, page: Page) -> "KeptPage":
        return cls(
            list(page.object_list), page.number, page.paginator.count, page.paginator.per_page
        )

    def page(self) -> Page:
        """The page again, for the templates (and `_pagination.html`)."""
        return Page(self.rows, self.number, Paginator(_Counted(self.count), self.per_page))
