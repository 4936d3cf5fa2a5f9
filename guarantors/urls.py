from django.urls import path

from . import views

urlpatterns = [
    path("applications/<int:pk>/guarantees/add/", views.guarantee_add, name="guarantee_add"),
    path(
        "applications/<int:pk>/guarantees/<int:guarantee_pk>/remove/",
        views.guarantee_remove,
        name="guarantee_remove",
    ),
    path("claims/<int:pk>/", views.claim_update, name="claim_update"),
    path("guarantors/<int:pk>/", views.guarantor_detail, name="guarantor_detail"),
]
