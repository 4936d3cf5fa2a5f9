from django.contrib import admin
from django.urls import include, path
from rest_framework.authtoken.admin import TokenProxy

from miqua import home
from miqua.accounts.views import admin_login
from miqua.ops.health import HealthView

admin.site.login = admin_login  # type: ignore[method-assign]
admin.site.site_header = "MIQUA"
admin.site.site_title = "MIQUA"
# API tokens are secrets: no admin page lists them. They are issued on the command line
# (`manage.py drf_create_token EMAIL`, `-r` to replace one).
admin.site.unregister(TokenProxy)

urlpatterns = [
    path("", home.home, name="home"),
    path("", include("quarters.urls")),
    path("", include("credits.urls")),
    path("", include("guarantors.urls")),
    path("", include("committees.urls")),
    path("", include("monitoring.urls")),
    path("", include("miqua.privacy.urls")),
    path("", include("miqua.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/", include("miqua.api.urls")),
    path("admin/", admin.site.urls),
    # For the containers and monitors: no login, no personal data (miqua/ops/health.py).
    path("health/", HealthView.as_view(), name="health"),
]
