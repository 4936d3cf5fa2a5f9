from django.contrib import admin

from miqua.audit.admin import AuditedModelAdmin, ReadOnlyModelAdmin

from .models import Application, Loan, LoanProduct


@admin.register(LoanProduct)
class LoanProductAdmin(AuditedModelAdmin):
    list_display = [
        "name",
        "quarter",
        "is_active",
        "min_amount",
        "first_loan_max",
        "second_loan_max",
        "max_amount",
        "max_term_months",
        "interest_rate",
    ]
    list_filter = ["is_active"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyModelAdmin):
    """Applications change through their pages and workflow only."""

    list_display = ["reference", "borrower", "quarter", "status", "amount", "updated_at"]
    list_filter = ["status", "quarter__municipality"]
    list_select_related = ["borrower", "quarter__municipality"]
    search_fields = ["borrower__last_name", "business_name"]


@admin.register(Loan)
class LoanAdmin(ReadOnlyModelAdmin):
    list_display = ["borrower", "quarter", "amount", "disbursed_on", "status", "closed_on"]
    list_filter = ["status", "quarter__municipality"]
    list_select_related = ["borrower", "quarter__municipality"]
