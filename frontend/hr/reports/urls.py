"""`/hr/reports/...`: reports at once or in the background, my jobs and schedules; org-unit changes (admins)."""

from django.urls import path

from frontend.hr.reports import org_units, schedules, views

urlpatterns = [
    path("", views.report_page, name="hr-reports"),
    path("download", views.download, name="hr-report-download"),
    path("jobs/new/", views.new_job, name="hr-report-job-new"),
    path("jobs/<id:pk>/", views.job_page, name="hr-report-job"),
    path("schedules/new/", schedules.new_schedule, name="hr-report-schedule-new"),
    path("schedules/<id:pk>/pause/", schedules.pause_schedule, name="hr-report-schedule-pause"),
    path("schedules/<id:pk>/resume/", schedules.resume_schedule, name="hr-report-schedule-resume"),
    path("schedules/<id:pk>/delete/", schedules.delete_schedule, name="hr-report-schedule-delete"),
    path("org-units/merge/", org_units.merge, name="hr-report-merge"),
    path("org-units/dissolve/", org_units.dissolve, name="hr-report-dissolve"),
]
