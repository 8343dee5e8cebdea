"""`/teach/events/...` and `/teach/sessions/...`: classes and conferences, their sessions, rosters and attendance."""

from django.urls import path

from frontend.teaching.events import attendance, roster, views

urlpatterns = [
    path("events/new/", views.new_event, name="teach-event-new"),
    path("events/<id:pk>/", views.event_page, name="teach-event"),
    path("events/<id:pk>/sessions/", views.add_session, name="teach-event-sessions"),
    path("events/<id:pk>/roster/", roster.add_people, name="teach-event-roster"),
    path("events/<id:pk>/roster/unit/", roster.add_unit, name="teach-event-roster-unit"),
    path("events/<id:pk>/roster/import/", roster.import_file, name="teach-event-roster-import"),
    path("events/<id:pk>/roster/<id:user_pk>/remove/", roster.remove_person, name="teach-event-roster-remove"),
    path("events/<id:pk>/certificates/", views.issue_certificates, name="teach-event-certificates"),
    path("sessions/<id:pk>/", views.session_page, name="teach-session"),
    path("sessions/<id:pk>/delete/", views.delete_session, name="teach-session-delete"),
    path("sessions/<id:pk>/attendance/", attendance.attendance_sheet, name="teach-session-attendance"),
]
