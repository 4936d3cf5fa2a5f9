from django.urls import path

from . import views

urlpatterns = [
    path(
        "privacy/borrowers/<int:pk>/auskunft.json",
        views.borrower_access_json,
        name="borrower_access_json",
    ),
    path(
        "privacy/borrowers/<int:pk>/auskunft.pdf",
        views.borrower_access_pdf,
        name="borrower_access_pdf",
    ),
    path(
        "privacy/guarantors/<int:pk>/auskunft.json",
        views.guarantor_access_json,
        name="guarantor_access_json",
    ),
    path(
        "privacy/guarantors/<int:pk>/auskunft.pdf",
        views.guarantor_access_pdf,
        name="guarantor_access_pdf",
    ),
    path("privacy/erasures/", views.erasure_list, name="erasure_list"),
]
