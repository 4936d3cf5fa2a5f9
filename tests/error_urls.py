"""The project's URLs and one view that fails, for tests/test_error_pages.py."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", fail), path("", include("miqua.urls"))]
