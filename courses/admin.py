"""Admin pages of courses: each role sees what the API shows it, and changes go through the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.admin import (
    AccessibleAdminMixin,
    AccessibleTabularInline,
    OfferedChoicesMixin,
    ServiceCheckedForm,
    ServiceSavesMixin,
    TaughtObjectsMixin,
    related_lookup,
)
from accounts.roles import Role, holders
from courses import access, services
from courses.access import visible_assignments, visible_courses, visible_enrollments
from courses.models import Assignment, Course, Enrollment, Lesson, Module


class ModuleInline(AccessibleTabularInline):
    model = Module
    fields = ["title", "position"]
    extra = 0
    show_change_link = True


class StoredFile(str):
    """The name of a stored lesson file, with the address that checks who may download it."""

    def __new__(cls, name: str, url: str):
        stored = super().__new__(cls, name)
        stored.url = url
        return stored


class LessonFileInput(forms.ClearableFileInput):
    """Links the file already stored through the lesson's download page: nothing serves /media/."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and getattr(value.instance, "pk", None):
            context["widget"]["value"] = StoredFile(value.name, reverse("lesson-download", args=[value.instance.pk]))
        return context


class LessonForm(ServiceCheckedForm):
    def check(self, lesson):
        services.check_lesson(lesson, new_file=lesson.file if "file" in self.changed_data else None)


class LessonInline(AccessibleAdminMixin, admin.StackedInline):
    model = Lesson
    form = LessonForm
    fields = ["title", "kind", "position", "estimated_minutes", "body", "url", "file"]
    extra = 0
    formfield_overrides = {models.FileField: {"widget": LessonFileInput}}


def typed_position(row, added):
    """The services add a module or lesson last; a position typed on the page (not the default 0) wins."""
    if row.position:
        added.position = row.position
        added.save(update_fields=["position"])
    return added


class TaughtCoursesMixin(TaughtObjectsMixin):
    """Instructors see and change only the courses they teach and what belongs to them; admins see all.

    An admin whose list shows more (as the API does) says so in its `get_queryset`:
    still only the course's instructors change it. Forms likewise offer, and
    accept, only the courses taught and what belongs to them: `taught_paths` maps
    a related model to its path to the course.
    """

    taught_path = "course"
    teaches = staticmethod(access.teaches)
    taught_paths = {"courses.course": "", "courses.module": "course"}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_role(Role.ADMIN):
            return queryset
        return queryset.filter(**{self.taught_lookup("instructors"): request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._taught_only(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._taught_only(db_field, request, kwargs))

    def _taught_only(self, db_field, request, kwargs: dict) -> dict:
        path = self.taught_paths.get(db_field.related_model._meta.label_lower)
        if path is not None and not request.user.has_role(Role.ADMIN):
            taught = db_field.related_model._default_manager.filter(
                **{related_lookup(path, "instructors"): request.user})
            kwargs["queryset"] = taught.distinct()
        return kwargs

    def taught_only(self, request, queryset) -> list:
        """What an action may act on of the selection: what the caller teaches. The rest is named in an error."""
        allowed, refused = [], []
        for obj in queryset:
            (allowed if self.has_change_permission(request, obj) else refused).append(obj)
        if refused:
            self.message_user(request, _("Left alone, as only their course's instructors may do this: %(objects)s.")
                              % {"objects": ", ".join(map(str, refused))}, messages.ERROR)
        return allowed


@admin.register(Course)
class CourseAdmin(AccessibleAdminMixin, ServiceSavesMixin, OfferedChoicesMixin, TaughtCoursesMixin, admin.ModelAdmin):
    """The courses the API lists to the caller: published ones, and drafts they teach or are enrolled in."""

    taught_path = ""
    list_display = ["code", "title", "topic", "hours", "status", "completion_rule"]
    list_filter = ["status", "topic", "completion_rule"]
    search_fields = ["code", "title"]
    filter_horizontal = ["instructors"]
    readonly_fields = ["status", "published_at"]
    inlines = [ModuleInline]
    actions = ["publish", "archive"]

    def get_queryset(self, request):
        return visible_courses(request.user)

    def offered_choices(self, request):
        return {"instructors": holders(Role.INSTRUCTOR).order_by("full_name")}

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.COURSE_FIELDS if name in form.cleaned_data}
        instructors = form.cleaned_data["instructors"]
        if change:
            services.update_course(actor=request.user, course=obj, instructors=instructors, **fields)
        else:
            self.adopt(obj, services.create_course(actor=request.user, instructors=instructors, **fields))

    def add_inline(self, request, course, module):
        return typed_position(module, services.add_module(course=course, title=module.title))

    def change_inline(self, request, module, changed):
        module.save()  # as the API's update saves it

    def delete_inline(self, request, module):
        module.delete()  # as the API's DELETE does

    @admin.action(description=_("Publish the selected courses"), permissions=["change"])
    def publish(self, request, queryset):
        for course in self.taught_only(request, queryset):
            try:
                services.publish_course(actor=request.user, course=course)
            except ValidationError as error:
                self.message_user(request, f"{course.code}: {' '.join(error.messages)}", messages.ERROR)

    @admin.action(description=_("Archive the selected courses"), permissions=["change"])
    def archive(self, request, queryset):
        for course in self.taught_only(request, queryset):
            services.archive_course(actor=request.user, course=course)


@admin.register(Module)
class ModuleAdmin(AccessibleAdminMixin, ServiceSavesMixin, TaughtCoursesMixin, admin.ModelAdmin):
    """Modules of the courses the caller teaches: the API lets only a course's instructors work on them.

    A module is added by the service the API's calls and changed as the API's update
    saves it; its lessons go through the lesson services, which clean their HTML and
    check their files.
    """

    list_display = ["title", "course", "position"]
    list_select_related = ["course"]
    search_fields = ["title", "course__code"]
    autocomplete_fields = ["course"]
    inlines = [LessonInline]

    def get_readonly_fields(self, request, obj=None):
        # A module stays in its course, as in the API.
        return ["course"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            self.adopt(obj, typed_position(obj, services.add_module(course=obj.course, title=obj.title)))

    def add_inline(self, request, module, lesson):
        fields = {name: getattr(lesson, name) for name in services.LESSON_FIELDS}
        return typed_position(lesson, services.add_lesson(module=module, **fields))

    def change_inline(self, request, lesson, changed):
        services.update_lesson(lesson=lesson, **{name: getattr(lesson, name) for name in changed
                                                 if name in services.LESSON_FIELDS})

    def delete_inline(self, request, lesson):
        lesson.delete()  # as the API's DELETE does


@admin.register(Assignment)
class AssignmentAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    """Read only, and only the assignments the API lists to the caller (those of their HR scope).

    Assigning enrols a whole subtree and changes due dates: it goes through the API or the HR pages.
    """

    list_display = ["course", "org_unit", "due_date", "assigned_by", "created_at"]
    list_select_related = ["course", "org_unit", "assigned_by"]

    def get_queryset(self, request):
        return visible_assignments(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    """Enrolments of the courses the caller teaches and, for HR, of the people of their scope."""

    list_display = ["user", "course", "status", "mandatory", "due_date", "completed_at"]
    list_filter = ["status", "mandatory", "source"]
    list_select_related = ["user", "course"]
    search_fields = ["user__full_name", "user__employee_code", "course__code"]
    readonly_fields = ["user", "course", "status", "source", "assignment", "enrolled_at", "completed_at",
                       "quiz_passed_at", "attendance_met_at", "credited_hours"]

    def get_queryset(self, request):
        return visible_enrollments(request.user)

    def has_add_permission(self, request):
        return False
