from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("quarters.urls")),
    path("", include("miqua.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
