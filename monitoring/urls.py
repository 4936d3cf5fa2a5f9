from django.urls import path

from . import contact_views

urlpatterns = [
    path("monitoring/contacts/", contact_views.contact_worklist, name="contact_worklist"),
    path("monitoring/disrupted/", contact_views.disrupted_loans, name="disrupted_loans"),
    path(
        "monitoring/loans/<int:pk>/contacts/new/",
        contact_views.contact_record,
        name="contact_record",
    ),
]
