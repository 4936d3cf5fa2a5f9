from django.contrib import admin

from miqua.audit.admin import AuditedModelAdmin

from .models import Committee, CommitteeMembership


class MembershipInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(Committee)
class CommitteeAdmin(AuditedModelAdmin):
    list_display = ["name", "quarter", "municipality"]
    inlines = [MembershipInline]
