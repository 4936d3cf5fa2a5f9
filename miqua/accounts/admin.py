from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from miqua.audit.admin import AuditedModelAdmin

from .models import User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    ordering = ["full_name", "email"]
    list_display = ["email", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "full_name"]
    filter_horizontal = ["advised_quarters"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password", "language"]}),
        (_("Role"), {"fields": ["role", "advised_quarters", "municipality", "organisation"]}),
        (_("Status"), {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "role", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]


# Permissions come from roles (django-rules), not from groups: hide what nobody should use.
admin.site.unregister(Group)
