from django.urls import path

from frontend.hr.assignments import views

urlpatterns = [
    path("", views.assignment_list, name="hr-assignments"),
]
