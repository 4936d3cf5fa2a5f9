from django.urls import path

from . import views

urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path("language/", views.language_set, name="language_set"),
]
