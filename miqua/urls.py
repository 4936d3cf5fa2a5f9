from django.contrib import admin
from django.urls import include, path

from miqua import home
from miqua.accounts.views import admin_login

admin.site.login = admin_login  # type: ignore[method-assign]
admin.site.site_header = "MIQUA"
admin.site.site_title = "MIQUA"

urlpatterns = [
    path("", home.home, name="home"),
    path("", include("quarters.urls")),
    path("", include("credits.urls")),
    path("", include("guarantors.urls")),
    path("", include("committees.urls")),
    path("", include("monitoring.urls")),
    path("", include("miqua.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
