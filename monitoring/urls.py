import datetime

from django.urls import path, register_converter

from . import check_views, contact_views, portfolio_views


class IsoDateConverter:
    """A day written YYYY-MM-DD; a day that does not exist (2025-02-30) is no match: 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)

    def to_url(self, value: datetime.date | str) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("monitoring/contacts/", contact_views.contact_worklist, name="contact_worklist"),
    path("monitoring/disrupted/", contact_views.disrupted_loans, name="disrupted_loans"),
    path(
        "monitoring/loans/<int:pk>/contacts/new/",
        contact_views.contact_record,
        name="contact_record",
    ),
    path(
        "monitoring/borrowers/<int:pk>/contacts/new/",
        contact_views.borrower_contact_record,
        name="borrower_contact_record",
    ),
    path(
        "monitoring/portfolio/",
        portfolio_views.portfolio_dashboard,
        name="portfolio_dashboard",
    ),
    # The monthly checks and their quality assurance
    path("monitoring/checks/", check_views.check_list, name="check_list"),
    path("monitoring/checks/settings/", check_views.check_settings, name="check_settings"),
    path("monitoring/checks/<isodate:as_of>/", check_views.check_detail, name="check_detail"),
    path(
        "monitoring/checks/<isodate:as_of>/measures/",
        check_views.quality_measure_record_view,
        name="quality_measure_record",
    ),
    path(
        "monitoring/measures/<int:pk>/close/",
        check_views.quality_measure_close_view,
        name="quality_measure_close",
    ),
]
