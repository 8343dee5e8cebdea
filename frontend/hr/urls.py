from django.urls import path

from frontend.hr import views

urlpatterns = [
    path("hr/", views.summary, name="hr-summary"),
    path("hr/reports/download", views.download, name="hr-report-download"),
]
