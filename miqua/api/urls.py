"""/api/v1/ (the router), the OpenAPI schema at /api/schema/ and its Swagger UI at /api/docs/
(assets from drf-spectacular-sidecar, served locally; the split view serves its start-up script
as a file of its own, so the page carries no inline script)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import dashboard, views

router = DefaultRouter()
router.register("municipalities", views.MunicipalityViewSet, basename="api-municipality")
router.register("quarters", views.QuarterViewSet, basename="api-quarter")
router.register("loans", views.LoanViewSet, basename="api-loan")
router.register("checks", views.MonthlyCheckViewSet, basename="api-check")
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
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
