"""Admin pages: classes and conferences with their sessions; roster and attendance to read.

Rosters and attendance change through the services only (the API and the kiosk),
so that the attendance rule and the linked courses stay in step; here they are
read, searched and filtered.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from training import services
from training.models import AttendanceRecord, Event, RosterEntry, Session


class TaughtEventsMixin:
    """Instructors see only the classes and conferences they run; administrators see all."""

    event_path = "event__"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_role("admin"):
            return queryset
        return queryset.filter(**{f"{self.event_path}instructors": request.user}).distinct()


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SessionInline(admin.TabularInline):
    model = Session
    fields = ["title", "starts_at", "ends_at"]
    extra = 0
    show_change_link = True


@admin.register(Event)
class EventAdmin(TaughtEventsMixin, admin.ModelAdmin):
    event_path = ""
    list_display = ["title", "kind", "starts_on", "ends_on", "venue", "attendance_percent"]
    list_filter = ["kind", "starts_on"]
    search_fields = ["title", "venue", "cohort", "speakers"]
    date_hierarchy = "starts_on"
    filter_horizontal = ["instructors", "courses"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "starts_on", "ends_on", "venue", "attendance_percent", "materials_url"]}),
        (_("Class"), {"fields": ["cohort", "school"]}),
        (_("Conference"), {"fields": ["speakers"]}),
        (_("People and courses"), {"fields": ["instructors", "courses"]}),
        (_("History"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]
    inlines = [SessionInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            form.instance.instructors.add(request.user)
        # Sessions or the rule may have changed: decide everyone's attendance again.
        services.refresh_attendance(event=form.instance)


@admin.register(Session)
class SessionAdmin(TaughtEventsMixin, admin.ModelAdmin):
    list_display = ["title", "event", "starts_at", "ends_at", "check_in_screen"]
    list_select_related = ["event"]
    list_filter = ["event__kind"]
    search_fields = ["title", "event__title"]
    autocomplete_fields = ["event"]

    @admin.display(description=_("Check-in screen"))
    def check_in_screen(self, session):
        # The page lives in the web UI (frontend), which this app does not import.
        return format_html('<a href="/sessions/{}/screen/" target="_blank">{}</a>', session.pk, _("Show QR code"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.refresh_attendance(event=obj.event)

    def delete_model(self, request, obj):
        services.delete_session(actor=request.user, session=obj)

    def delete_queryset(self, request, queryset):
        for session in queryset.select_related("event"):
            services.delete_session(actor=request.user, session=session)


@admin.register(RosterEntry)
class RosterEntryAdmin(TaughtEventsMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "event", "source", "attended", "created_at"]
    list_select_related = ["user", "event"]
    list_filter = ["attended", "source", "event__kind"]
    search_fields = ["user__full_name", "user__employee_code", "event__title"]


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(TaughtEventsMixin, ReadOnlyMixin, admin.ModelAdmin):
    event_path = "session__event__"
    list_display = ["user", "session", "status", "method", "recorded_by", "recorded_at"]
    list_select_related = ["user", "session", "recorded_by"]
    list_filter = ["status", "method", "session__event__kind"]
    search_fields = ["user__full_name", "user__employee_code", "session__title", "session__event__title"]
    date_hierarchy = "recorded_at"
