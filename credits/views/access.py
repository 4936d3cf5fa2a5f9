"""How the credit views reach their object: scoped first (a foreign quarter's object does not
exist for the user: 404), then the rights (403)."""

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from credits.models import Application

M = TypeVar("M", bound=Model)


def object_for(request: HttpRequest, queryset: QuerySet[M], pk: int, *perms: str) -> M:
    """The object `pk` of the scoped `queryset` (404 outside the scope), if the user holds
    every one of `perms` on it (403 otherwise)."""
    obj = get_object_or_404(queryset, pk=pk)
    if not all(request.user.has_perm(perm, obj) for perm in perms):
        raise PermissionDenied
    return obj


def application_for(request: HttpRequest, pk: int, *, perm: str) -> Application:
    return object_for(
        request,
        Application.objects.select_related(
            "borrower", "product", "advisor", "quarter__municipality"
        ),
        pk,
        perm,
    )
