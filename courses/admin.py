from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courses import services
from courses.content import clean_html
from courses.models import Assignment, Course, Enrollment, Lesson, Module


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ["title", "position"]
    extra = 0
    show_change_link = True


class LessonInline(admin.StackedInline):
    model = Lesson
    fields = ["title", "kind", "position", "estimated_minutes", "body", "url", "file"]
    extra = 0


class TaughtCoursesMixin:
    """Instructors see and change only the courses they teach; admins see all.

    Their forms likewise offer, and accept, only the courses they teach and what
    belongs to them: `taught_paths` maps a related model to its path to the course.
    """

    course_path = "course"
    taught_paths = {"courses.course": "", "courses.module": "course__"}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_role("admin"):
            return queryset
        return queryset.filter(**{f"{self.course_path}instructors": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._taught_only(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._taught_only(db_field, request, kwargs))

    def _taught_only(self, db_field, request, kwargs: dict) -> dict:
        path = self.taught_paths.get(db_field.related_model._meta.label_lower)
        if path is not None and not request.user.has_role("admin"):
            taught = db_field.related_model._default_manager.filter(**{f"{path}instructors": request.user})
            kwargs["queryset"] = taught.distinct()
        return kwargs


@admin.register(Course)
class CourseAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    course_path = ""
    list_display = ["code", "title", "topic", "hours", "status", "completion_rule"]
    list_filter = ["status", "topic", "completion_rule"]
    search_fields = ["code", "title"]
    filter_horizontal = ["instructors"]
    readonly_fields = ["status", "published_at"]
    inlines = [ModuleInline]
    actions = ["publish", "archive"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            obj.instructors.add(request.user)

    @admin.action(description=_("Publish the selected courses"))
    def publish(self, request, queryset):
        for course in queryset:
            try:
                services.publish_course(actor=request.user, course=course)
            except ValidationError as error:
                self.message_user(request, f"{course.code}: {' '.join(error.messages)}", messages.ERROR)

    @admin.action(description=_("Archive the selected courses"))
    def archive(self, request, queryset):
        for course in queryset:
            services.archive_course(actor=request.user, course=course)


@admin.register(Module)
class ModuleAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    course_path = "course__"
    list_display = ["title", "course", "position"]
    list_select_related = ["course"]
    search_fields = ["title", "course__code"]
    autocomplete_fields = ["course"]
    inlines = [LessonInline]

    def save_formset(self, request, form, formset, change):
        # Lesson HTML is sanitised here as in the API: nothing harmful is ever stored.
        for lesson_form in formset.forms:
            if "body" in getattr(lesson_form, "cleaned_data", {}):
                lesson_form.instance.body = clean_html(lesson_form.cleaned_data["body"] or "")
        super().save_formset(request, form, formset, change)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["course", "org_unit", "due_date", "assigned_by", "created_at"]
    list_select_related = ["course", "org_unit", "assigned_by"]
    readonly_fields = ["course", "org_unit", "assigned_by"]

    def has_add_permission(self, request):
        # Assigning enrols a whole subtree: it goes through the API or the HR pages.
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "status", "mandatory", "due_date", "completed_at"]
    list_filter = ["status", "mandatory", "source"]
    list_select_related = ["user", "course"]
    search_fields = ["user__full_name", "user__employee_code", "course__code"]
    readonly_fields = ["user", "course", "status", "source", "assignment", "enrolled_at", "completed_at",
                       "quiz_passed_at", "attendance_met_at", "credited_hours"]

    def has_add_permission(self, request):
        return False
