from django.urls import path

from frontend.hr import views
from frontend.hr.reports import views as report_views

urlpatterns = [
    path("", report_views.report_page, name="hr-reports"),
    path("download", views.download, name="hr-report-download"),
]
