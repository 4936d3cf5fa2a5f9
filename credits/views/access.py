"""How every application view reaches its application: scoped first (a foreign quarter's
application does not exist for the user: 404), then the right (403)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from credits.models import Application


def application_for(request: HttpRequest, pk: int, *, perm: str) -> Application:
    application = get_object_or_404(
        Application.objects.select_related(
            "borrower", "product", "advisor", "quarter__municipality"
        ),
        pk=pk,
    )
    if not request.user.has_perm(perm, application):
        raise PermissionDenied
    return application
