"""The web UI's pages, by audience; each part has its own `urls.py` (the addresses are in UI.md)."""

from django.urls import include, path

urlpatterns = [
    path("", include("frontend.learner.urls")),
    path("", include("frontend.teaching.urls")),
    path("", include("frontend.hr.urls")),
    path("", include("frontend.accounts.urls")),
]
