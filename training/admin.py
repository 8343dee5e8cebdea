"""Admin pages: classes and conferences with their sessions; roster and attendance to read.

Each role sees what the API shows it: administrators and HR every class and
conference, others those they run or are on the roster of; rosters and
attendance to their instructors, and to HR for the people of their scope. Only an
event's instructors change it, through the same services as the API.

Rosters and attendance change through the services only (the API and the kiosk),
so that the attendance rule and the linked courses stay in step; here they are
read, searched and filtered.
"""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import (
    AccessibleAdminMixin,
    AccessibleTabularInline,
    OfferedChoicesMixin,
    ServiceCheckedForm,
    ServiceSavesMixin,
    TaughtObjectsMixin,
)
from accounts.roles import Role, holders
from accounts.scope import users_in_scope
from courses.access import visible_courses
from training import access, services
from training.access import taught_events, visible_events
from training.models import AttendanceRecord, Event, RosterEntry, Session


class EventAccessMixin(TaughtObjectsMixin):
    """Lists what belongs to the classes and conferences the caller sees; only their instructors change it."""

    taught_path = "event"
    teaches = staticmethod(access.teaches)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(**{self.taught_lookup("in"): visible_events(request.user)})


class RosterAccessMixin:
    """The roster and attendance of the events the caller runs and, for HR, of the people of their scope."""

    event_path = "event"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.has_role(Role.ADMIN):
            return queryset
        seen = Q(**{f"{self.event_path}__in": taught_events(user)})
        if user.has_role(Role.HR):
            seen |= Q(user__in=users_in_scope(user))
        return queryset.filter(seen)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SessionForm(ServiceCheckedForm):
    def check(self, session):
        event = session.event
        if event.starts_on and event.ends_on:  # else the event's own form says what is missing
            services.check_session(session)


class SessionInline(AccessibleTabularInline):
    model = Session
    form = SessionForm
    fields = ["title", "starts_at", "ends_at"]
    extra = 0
    show_change_link = True


class EventForm(ServiceCheckedForm):
    def check(self, event):
        services.check_event(event)


def session_fields(session: Session, names=services.SESSION_FIELDS) -> dict:
    return {name: getattr(session, name) for name in names if name in services.SESSION_FIELDS}


@admin.register(Event)
class EventAdmin(AccessibleAdminMixin, ServiceSavesMixin, OfferedChoicesMixin, EventAccessMixin, admin.ModelAdmin):
    """Classes and conferences, with their sessions; saved through the services, as in the API."""

    taught_path = ""
    form = EventForm
    list_display = ["title", "kind", "starts_on", "ends_on", "venue", "attendance_percent"]
    list_filter = ["kind", "starts_on"]
    search_fields = ["title", "venue", "cohort", "speakers"]
    date_hierarchy = "starts_on"
    filter_horizontal = ["instructors", "courses"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "starts_on", "ends_on", "venue", "attendance_percent", "materials_url"]}),
        (_("Training hours"), {"fields": ["topic", "hours"]}),
        (_("Class"), {"fields": ["cohort", "school"]}),
        (_("Conference"), {"fields": ["speakers"]}),
        (_("People and courses"), {"fields": ["instructors", "courses"]}),
        (_("Certificates"), {"fields": ["certificate_template"]}),
        (_("History"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]
    inlines = [SessionInline]

    def get_queryset(self, request):
        return visible_events(request.user)

    def get_readonly_fields(self, request, obj=None):
        # A class stays a class and a conference a conference, as in the API.
        return [*self.readonly_fields, "kind"] if obj is not None else self.readonly_fields

    def offered_choices(self, request):
        return {"instructors": holders(Role.INSTRUCTOR).order_by("full_name"),
                "courses": visible_courses(request.user)}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in services.EVENT_FIELDS if name in data}
        if change:
            services.update_event(actor=request.user, event=obj, courses=data["courses"],
                                  instructors=data["instructors"], **fields)
        else:
            self.adopt(obj, services.create_event(actor=request.user, kind=data["kind"], courses=data["courses"],
                                                  instructors=data["instructors"], **fields))

    def add_inline(self, request, event, session):
        return services.add_session(actor=request.user, event=event, **session_fields(session))

    def change_inline(self, request, session, changed):
        services.update_session(actor=request.user, session=session, **session_fields(session, changed))

    def delete_inline(self, request, session):
        services.delete_session(actor=request.user, session=session)


@admin.register(Session)
class SessionAdmin(AccessibleAdminMixin, ServiceSavesMixin, EventAccessMixin, admin.ModelAdmin):
    form = SessionForm
    list_display = ["title", "event", "starts_at", "ends_at", "check_in_screen"]
    list_select_related = ["event"]
    list_filter = ["event__kind"]
    search_fields = ["title", "event__title"]
    autocomplete_fields = ["event"]

    @admin.display(description=_("Check-in screen"))
    def check_in_screen(self, session):
        # The page lives in the web UI (frontend), which this app does not import: found by its URL name.
        return format_html('<a href="{}" target="_blank">{}</a>', reverse("session-screen", args=[session.pk]),
                           _("Show QR code"))

    def get_readonly_fields(self, request, obj=None):
        # A session stays with its class or conference, as in the API.
        return ["event"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "event":
            kwargs["queryset"] = taught_events(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.update_session(actor=request.user, session=obj, **session_fields(obj))
        else:
            self.adopt(obj, services.add_session(actor=request.user, event=obj.event, **session_fields(obj)))

    def delete_model(self, request, obj):
        services.delete_session(actor=request.user, session=obj)

    def delete_queryset(self, request, queryset):
        for session in queryset.select_related("event"):
            services.delete_session(actor=request.user, session=session)


@admin.register(RosterEntry)
class RosterEntryAdmin(AccessibleAdminMixin, RosterAccessMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "event", "source", "attended", "created_at"]
    list_select_related = ["user", "event"]
    list_filter = ["attended", "source", "event__kind"]
    search_fields = ["user__full_name", "user__employee_code", "event__title"]


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(AccessibleAdminMixin, RosterAccessMixin, ReadOnlyMixin, admin.ModelAdmin):
    event_path = "session__event"
    list_display = ["user", "session", "status", "method", "recorded_by", "recorded_at"]
    list_select_related = ["user", "session", "recorded_by"]
    list_filter = ["status", "method", "session__event__kind"]
    search_fields = ["user__full_name", "user__employee_code", "session__title", "session__event__title"]
    date_hierarchy = "recorded_at"
