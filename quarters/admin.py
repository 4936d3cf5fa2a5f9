from django.contrib import admin
from django.http import HttpRequest

from miqua.audit.admin import AuditedModelAdmin, ReadOnlyModelAdmin

from .models import FundContribution, LiabilityFund, Municipality, Organisation, Quarter


@admin.register(Municipality)
class MunicipalityAdmin(AuditedModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "municipality"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name"]


@admin.register(Quarter)
class QuarterAdmin(AuditedModelAdmin):
    list_display = ["name", "municipality", "slug"]
    list_filter = ["municipality"]
    search_fields = ["name", "municipality__name"]
    list_select_related = ["municipality"]

    def audit_quarter_id(self, obj: Quarter) -> int | None:  # type: ignore[override]
        return obj.pk

    def audit_deleted_quarter_id(self, obj: Quarter) -> int | None:  # type: ignore[override]
        # The entry cannot point to the quarter it deletes (and would keep it from going).
        return None


class ContributionInline(admin.TabularInline):
    model = FundContribution
    fields = ["paid_on", "partner", "amount", "note", "recorded_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    # Contributions are recorded on the quarter page, through the service that validates and
    # audits them.
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LiabilityFund)
class LiabilityFundAdmin(AuditedModelAdmin):
    list_display = ["name", "quarter", "leverage_factor"]
    list_select_related = ["quarter__municipality"]
    inlines = [ContributionInline]


@admin.register(FundContribution)
class FundContributionAdmin(ReadOnlyModelAdmin):
    list_display = ["paid_on", "fund", "partner", "amount"]
    list_filter = ["fund__quarter__municipality"]
    list_select_related = ["fund", "partner"]
