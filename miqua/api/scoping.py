"""The one way an API view meets the tenant boundary and the rules.

The pages enter the quarter scope in `QuarterScopeMiddleware`, but that runs before Django REST
framework authenticates a token: a token request reaches the view in the scope of an anonymous
user (no quarter at all). `ScopedViewSetMixin` therefore enters the scope again once DRF knows
the user (`initial`) with the same helper as the middleware (`accounts.scoping.user_scope`),
and leaves it when the view has answered. A foreign quarter's object is then not found (404),
as on the pages; `RulesPermission` asks django-rules for the viewset's `view_perm` (403).
"""

from contextlib import ExitStack
from typing import Any

from django.db.models import Model, QuerySet
from django_scopes import scopes_disabled
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from miqua.accounts.scoping import user_scope


class RulesPermission(BasePermission):
    """The viewset's `view_perm` from django-rules: without an object for the list, with the
    object (`perm_object`) for one of them, so the quarter check of `add_rule` holds too."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user.has_perm(view.view_perm))  # type: ignore[attr-defined]

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return bool(
            request.user.has_perm(view.view_perm, view.perm_object(obj))  # type: ignore[attr-defined]
        )


class ScopedViewSetMixin:
    """Put in front of a DRF view: the request runs in the quarter scope of the user DRF
    authenticated, and `view_perm` (a django-rules permission) decides who may read."""

    view_perm: str
    permission_classes = [IsAuthenticated, RulesPermission]
    # The model of a viewset whose queryset depends on who asks (a committee member's
    # ballots): the schema, built for nobody, reads the model from here instead.
    schema_model: type[Model] | None = None

    def scoped_queryset(self) -> QuerySet[Any]:
        """The viewset's objects, read in the user's scope (a selector of the app)."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            # The schema asks for the model outside any request's scope: an empty queryset,
            # built with the scope switched off, is never read.
            with scopes_disabled():
                if self.schema_model is not None:
                    return self.schema_model._default_manager.none()
                return self.scoped_queryset().none()
        return self.scoped_queryset()

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The filters narrow a list; one object is found by its id alone (the applications'
        # filter shows the open ones unless told otherwise, a decided one has its page too).
        if getattr(self, "action", None) != "list":
            return queryset
        return super().filter_queryset(queryset)  # type: ignore[misc]

    def perm_object(self, obj: Model) -> Model | None:
        """The object the rule is asked about; None for objects that lie in no quarter (a
        municipality, a monthly check of the whole network): the scoped queryset already
        decided which of them the user sees, the role decides the rest."""
        return obj

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        with ExitStack() as stack:
            self._scope_stack = stack
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Authenticate now (DRF would do it first thing in initial, lazily) and enter the
        # user's scope before the permissions, the filters and the queryset are asked.
        self._scope_stack.enter_context(user_scope(request.user))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def answer(self, obj: Model, code: int) -> Response:
        """The answer to a write: the object as the endpoint shows it, read again in the
        user's scope (what the service wrote, with what the list reads along with it)."""
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(fresh).data, status=code)  # type: ignore[attr-defined]

    def page_context(self, objects: list[Any]) -> dict[str, Any]:
        """What the serializer needs about the objects of one answer beyond their fields,
        read once for all of them (the loans' arrears, the funds' figures)."""
        return {}

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], Model | list | QuerySet):
            instance = args[0]
            objects = [instance] if isinstance(instance, Model) else list(instance)
            if not isinstance(instance, Model):
                args = (objects, *args[1:])  # read once, for the context and the serializer
            context = self.get_serializer_context()  # type: ignore[attr-defined]
            context.update(self.page_context(objects))
            kwargs["context"] = context
        return super().get_serializer(*args, **kwargs)  # type: ignore[misc]
