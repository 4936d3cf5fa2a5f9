"""The quarter a monitoring page or its API endpoint is asked about (`?quarter=<id>`): shared by
the check pages, the portfolio dashboard and its API endpoint, so none reaches into another's
view module."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from miqua.audit.read_cache import cached_read
from quarters.models import Quarter


def picked_quarter(request: HttpRequest) -> Quarter | None:
    """The quarter of `?quarter=<id>`, through the scope: another's does not exist (404)."""
    raw = request.GET.get("quarter", "")
    if not raw:
        return None
    if not raw.isdecimal():
        raise Http404
    return get_object_or_404(Quarter.objects.select_related("municipality"), pk=int(raw))


def picker_quarters() -> list[Quarter]:
    """The quarters of the scope for the `?quarter=` picker, by municipality and name: read
    once per scope and change (600 for the back office, on every view of the pages)."""
    return cached_read(
        "picker-quarters",
        lambda: list(
            Quarter.objects.select_related("municipality").order_by("municipality__name", "name")
        ),
        day=timezone.localdate(),
    )
