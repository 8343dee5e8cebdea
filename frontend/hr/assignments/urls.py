"""`/hr/assignments/...`: mandatory courses assigned to units, assigning one (with a preview), due dates, reminders."""

from django.urls import path

from frontend.hr.assignments import views

urlpatterns = [
    path("", views.assignment_list, name="hr-assignments"),
    path("new/", views.new_assignment, name="hr-assignment-new"),
    path("confirm/", views.confirm_assignment, name="hr-assignment-confirm"),
    path("<id:pk>/", views.assignment_detail, name="hr-assignment"),
    path("<id:pk>/due-date/", views.change_due_date, name="hr-assignment-due-date"),
    path("<id:pk>/remind/", views.remind, name="hr-assignment-remind"),
]
