"""Instructors' pages: `/teach/` and what it links to, one package per subject."""

from django.urls import include, path

from frontend.teaching import dashboard, lists
from frontend.teaching.events import screen
from frontend.teaching.grading import views as grading

urlpatterns = [
    path("teach/", dashboard.dashboard, name="teach"),
    path("teach/events/", lists.events, name="teach-events"),
    path("teach/quizzes/", lists.quizzes, name="teach-quizzes"),
    path("teach/banks/", lists.banks, name="teach-banks"),
    path("grading/", grading.grading_page, name="grading"),
    path("responses/<id:pk>/grade", grading.grade, name="grade-response"),
    path("sessions/<id:pk>/screen/", screen.session_screen, name="session-screen"),
    path("teach/", include("frontend.teaching.courses.urls")),
    path("teach/", include("frontend.teaching.banks.urls")),
    path("teach/", include("frontend.teaching.quizzes.urls")),
    path("teach/", include("frontend.teaching.events.urls")),
]
