from django.urls import path

from . import views

urlpatterns = [
    path("ballots/", views.ballot_list, name="ballot_list"),
    path("ballots/new/", views.ballot_create, name="ballot_create"),
    path("ballots/<int:pk>/", views.ballot_detail, name="ballot_detail"),
    path("ballots/<int:pk>/cases/<int:case_pk>/vote/", views.vote_cast, name="vote_cast"),
    path("ballots/<int:pk>/cases/<int:case_pk>/recuse/", views.case_recuse, name="case_recuse"),
    path(
        "ballots/<int:pk>/cases/<int:case_pk>/meeting-votes/",
        views.meeting_votes_record,
        name="meeting_votes_record",
    ),
    path("ballots/<int:pk>/attendance/", views.ballot_attendance, name="ballot_attendance"),
    path("ballots/<int:pk>/close/", views.ballot_close, name="ballot_close"),
    path("ballots/<int:pk>/minutes.pdf", views.ballot_minutes_pdf, name="ballot_minutes_pdf"),
]
