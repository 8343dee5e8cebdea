from django.urls import path

from frontend.hr.people import views

urlpatterns = [
    path("", views.people_list, name="hr-people"),
]
