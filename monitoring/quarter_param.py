"""The quarter a monitoring page or its API endpoint is asked about (`?quarter=<id>`): shared by
the check pages, the portfolio dashboard and its API endpoint, so none reaches into another's
view module."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from quarters.models import Quarter


def picked_quarter(request: HttpRequest) -> Quarter | None:
    """The quarter of `?quarter=<id>`, through the scope: another's does not exist (404)."""
    raw = request.GET.get("quarter", "")
    if not raw:
        return None
    if not raw.isdecimal():
        raise Http404
    return get_object_or_404(Quarter.objects.select_related("municipality"), pk=int(raw))
