from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from miqua.audit.admin import AuditedModelAdmin
from miqua.audit.services import audit_record

from . import services
from .models import User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    ordering = ["full_name", "email"]
    list_display = ["email", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "mfa_exempt"]
    search_fields = ["email", "full_name"]
    filter_horizontal = ["advised_quarters"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password", "language"]}),
        (_("Role"), {"fields": ["role", "advised_quarters", "municipality", "organisation"]}),
        (
            _("Status"),
            {"fields": ["is_active", "is_superuser", "mfa_exempt", "last_login", "date_joined"]},
        ),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "role", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]

    def audit_extra_changes(
        self, request: HttpRequest, obj: User, form: Any, change: bool
    ) -> dict[str, Any]:
        # The add form's password fields are no model fields: the entry says that a password
        # was set, never what it is.
        if not change and obj.has_usable_password():
            return {"password": "set"}
        return {}

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's page to set a user's password, with an audit entry when it did: the hash
        compared before and after, whatever the form (set, or sign-in by password disabled)."""
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    audit_record(
                        actor=request.user,  # type: ignore[arg-type]
                        action="admin.changed",
                        obj=user,
                        changes={"password": "set" if user.has_usable_password() else "disabled"},
                    )
        return response


# Permissions come from roles (django-rules), not from groups: hide what nobody should use.
admin.site.unregister(Group)


# allauth's admin for the second factors shows their data: the authenticator app's secret and
# the seed of the recovery codes, with which anyone reading the page could sign in as their owner.
# Ours shows whose factor it is and when it was used, and lets an administrator remove a lost
# one (the owner then sets up a new one); nobody adds or edits one here.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        services.second_factor_remove(authenticator=obj, actor=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for authenticator in queryset:
            self.delete_model(request, authenticator)
