from django.urls import path

from frontend.hr.people import importing, views

urlpatterns = [
    path("", views.people_list, name="hr-people"),
    path("import/", importing.import_people, name="hr-people-import"),
    path("import/confirm/", importing.confirm_import, name="hr-people-import-confirm"),
    path("import/cancel/", importing.cancel_import, name="hr-people-import-cancel"),
    path("import/template.csv", importing.import_template, name="hr-people-import-template"),
    path("<id:pk>/", views.person_record, name="hr-person"),
    path("<id:pk>/edit/", views.edit_person, name="hr-person-edit"),
]
