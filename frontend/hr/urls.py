from django.urls import include, path

from frontend.hr import views

# Each part of HR's workspace has its own package: summary (views.py), assignments, people, reports.
urlpatterns = [
    path("hr/", views.summary, name="hr-summary"),
    path("hr/assignments/", include("frontend.hr.assignments.urls")),
    path("hr/people/", include("frontend.hr.people.urls")),
    path("hr/reports/", include("frontend.hr.reports.urls")),
]
