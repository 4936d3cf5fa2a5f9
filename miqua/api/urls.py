"""/api/v1/ (the router), the OpenAPI schema at /api/schema/ and its Swagger UI at /api/docs/
(assets from drf-spectacular-sidecar, served locally; the split view serves its start-up script
as a file of its own, so the page carries no inline script; its style is a static file too)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import dashboard, views

router = DefaultRouter()
for prefix, viewset, basename in (
    ("municipalities", views.MunicipalityViewSet, "api-municipality"),
    ("quarters", views.QuarterViewSet, "api-quarter"),
    ("funds", views.FundViewSet, "api-fund"),
    ("contributions", views.ContributionViewSet, "api-contribution"),
    ("applications", views.ApplicationViewSet, "api-application"),
    ("guarantors", views.GuarantorViewSet, "api-guarantor"),
    ("guarantees", views.GuaranteeViewSet, "api-guarantee"),
    ("committees", views.CommitteeViewSet, "api-committee"),
    ("ballots", views.BallotViewSet, "api-ballot"),
    ("votes", views.VoteViewSet, "api-vote"),
    ("loans", views.LoanViewSet, "api-loan"),
    ("instalments", views.InstalmentViewSet, "api-instalment"),
    ("payments", views.PaymentViewSet, "api-payment"),
    ("statements", views.BankStatementViewSet, "api-statement"),
    ("bank-entries", views.BankEntryViewSet, "api-bank-entry"),
    ("contacts", views.ContactViewSet, "api-contact"),
    ("checks", views.MonthlyCheckViewSet, "api-check"),
):
    router.register(prefix, viewset, basename=basename)
router.register(
    "dashboard/municipalities",
    views.MunicipalityDashboardViewSet,
    basename="api-dashboard-municipality",
)

urlpatterns = [
    path(
        "v1/dashboard/portfolio/",
        dashboard.PortfolioDashboardView.as_view(),
        name="api-dashboard-portfolio",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        # Our page has its style in a static file too (templates/api/swagger_ui.html).
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]
