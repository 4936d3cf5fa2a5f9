from django.urls import path

from . import views

urlpatterns = [
    path("quarters/<slug:slug>/", views.quarter_detail, name="quarter_detail"),
    path(
        "quarters/<slug:slug>/contributions/",
        views.contribution_create,
        name="contribution_create",
    ),
]
