"""An instructor's course: create, edit, copy, publish, archive; its modules and lessons; its learners.

Each page or action loads only a course the person teaches (another instructor's
gets 404, as the API answers); every change goes through `courses.services`.
"""

import copy

from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses import services
from courses.access import taught_courses
from courses.models import Course, Enrollment, Lesson, Module
from frontend.access import error_text, instructor_required, taught_or_404
from frontend.teaching.courses.forms import (CopyForm, CourseForm, LessonForm, ModuleForm, MoveForm, NewCourseForm,
                                             NewLessonForm, order_ids)

LEARNERS_PER_PAGE = 50
# The course page has two `title` fields: the new module's gets ids of its own.
MODULE_IDS = "module_%s"
# Trix, the lesson editor, adds its own <style> element: only its pages allow it, by nonce.
editor_styles = csp_update({"style-src": [NONCE]})


def taught_course(user, pk: int) -> Course:
    return get_object_or_404(taught_courses(user), pk=pk)


def taught_module(user, pk: int) -> Module:
    return taught_or_404(Module.objects.select_related("course"), user, pk)


def taught_lesson(user, pk: int) -> Lesson:
    return taught_or_404(Lesson.objects.select_related("module__course"), user, pk, course="module__course")


# Courses ------------------------------------------------------------------


@instructor_required
@require_http_methods(["GET", "POST"])
def new_course(request):
    form = NewCourseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(actor=request.user, **form.cleaned_data)
        except ValidationError as error:  # the code was taken since the form checked it
            form.add_error(None, error)
        else:
            messages.success(request, _("Created the course “%(title)s”. Now add its modules and lessons.") % {
                "title": course.title})
            return redirect("teach-course", pk=course.pk)
    status = 400 if form.errors else 200
    return render(request, "frontend/teaching/courses/new.html", {"form": form}, status=status)


@instructor_required
@require_http_methods(["GET", "POST"])
def course_page(request, pk: int):
    course = taught_course(request.user, pk)
    # The form gets its own copy: a refused change must not show in the page's heading.
    form = CourseForm(request.POST if request.method == "POST" else None, instance=copy.copy(course))
    if request.method == "POST":
        if form.is_valid():
            services.update_course(actor=request.user, course=course, **form.cleaned_data)
            messages.success(request, _("Saved the course's settings."))
            return redirect("teach-course", pk=course.pk)
    return course_response(request, course, form=form)


def course_response(request, course: Course, *, form=None, module_form=None, errors=()):
    """The course's page; with 400 when a form or an action was refused."""
    refused = bool(errors) or any(f is not None and f.errors for f in (form, module_form))
    context = {
        "course": course, "form": form or CourseForm(instance=course), "module_form": module_form or ModuleForm(auto_id=MODULE_IDS),
        "modules": list(course.modules.prefetch_related("lessons")), "errors": errors,
    }
    return render(request, "frontend/teaching/courses/course.html", context, status=400 if refused else 200)


@instructor_required
@require_POST
def publish(request, pk: int):
    course = taught_course(request.user, pk)
    try:
        services.publish_course(actor=request.user, course=course)
    except ValidationError as error:
        return course_response(request, course, errors=[error_text(error)])
    messages.success(request, _("Published the course: learners can find it in the catalogue."))
    return redirect("teach-course", pk=course.pk)


@instructor_required
@require_POST
def archive(request, pk: int):
    course = taught_course(request.user, pk)
    services.archive_course(actor=request.user, course=course)
    messages.success(request, _("Archived the course: it has left the catalogue; enrolled learners keep it."))
    return redirect("teach-course", pk=course.pk)


@instructor_required
@require_http_methods(["GET", "POST"])
def copy_course(request, pk: int):
    course = taught_course(request.user, pk)
    initial = {"code": f"{course.code}-2"[:50], "title": course.title}
    form = CopyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.copy_course(actor=request.user, course=course, **form.cleaned_data)
        except ValidationError as error:  # the code was taken since the form checked it
            form.add_error(None, error)
        else:
            messages.success(request, _("Copied the course as a new draft: “%(title)s”.") % {"title": new.title})
            return redirect("teach-course", pk=new.pk)
    status = 400 if form.errors else 200
    return render(request, "frontend/teaching/courses/copy.html", {"course": course, "form": form}, status=status)


@instructor_required
@require_GET
def learners(request, pk: int):
    course = taught_course(request.user, pk)
    enrollments = services.with_progress(
        Enrollment.objects.filter(course=course).select_related("user__org_unit")
    ).order_by("user__full_name", "user__username", "pk")
    page = Paginator(enrollments, LEARNERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/teaching/courses/learners.html", {"course": course, "page": page})


# Modules ------------------------------------------------------------------


@instructor_required
@require_POST
def add_module(request, pk: int):
    course = taught_course(request.user, pk)
    form = ModuleForm(request.POST, auto_id=MODULE_IDS)
    if not form.is_valid():
        return course_response(request, course, module_form=form)
    module = services.add_module(course=course, **form.cleaned_data)
    messages.success(request, _("Added the module “%(title)s”.") % {"title": module.title})
    return redirect(f"{reverse('teach-course', args=[course.pk])}#module-{module.pk}")


@instructor_required
@require_http_methods(["GET", "POST"])
def module_page(request, pk: int):
    module = taught_module(request.user, pk)
    form = ModuleForm(request.POST if request.method == "POST" else None, instance=copy.copy(module))
    if request.method == "POST" and form.is_valid():
        services.rename_module(module=module, **form.cleaned_data)
        messages.success(request, _("Saved the module."))
        return redirect(f"{reverse('teach-course', args=[module.course_id])}#module-{module.pk}")
    return module_response(request, module, form=form)


def module_response(request, module: Module, *, form=None, errors=()):
    form = form or ModuleForm(instance=module)
    status = 400 if errors or form.errors else 200
    context = {"module": module, "course": module.course, "form": form, "errors": errors,
               "lesson_count": module.lessons.count()}
    return render(request, "frontend/teaching/courses/module.html", context, status=status)


@instructor_required
@require_POST
def delete_module(request, pk: int):
    module = taught_module(request.user, pk)
    try:
        services.delete_module(actor=request.user, module=module)
    except ValidationError as error:
        return module_response(request, module, errors=[error_text(error)])
    messages.success(request, _("Deleted the module “%(title)s”.") % {"title": module.title})
    return redirect("teach-course", pk=module.course_id)


@instructor_required
@require_POST
def move_module(request, pk: int):
    module = taught_module(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return course_response(request, module.course, errors=[_("Choose up or down.")])
    services.move_module(module=module, step=form.step)
    return redirect(f"{reverse('teach-course', args=[module.course_id])}#module-{module.pk}")


@instructor_required
@require_POST
def order_modules(request, pk: int):
    course = taught_course(request.user, pk)
    return reordered(request, course, lambda ids: services.reorder_modules(course=course, module_ids=ids))


@instructor_required
@require_POST
def order_lessons(request, pk: int):
    module = taught_module(request.user, pk)
    return reordered(request, module.course, lambda ids: services.reorder_lessons(module=module, lesson_ids=ids))


def reordered(request, course: Course, reorder):
    """The drag-and-drop order sent by teaching-courses.js (JSON answer), or by a plain form (a page)."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    ids = order_ids(request.POST.getlist("order"))
    try:
        if ids is None:
            raise ValidationError({"order": [_("Give every item of the list exactly once.")]})
        reorder(ids)
    except ValidationError as error:
        if wants_json:
            return JsonResponse({"order": [error_text(error)]}, status=400)
        return course_response(request, course, errors=[error_text(error)])
    if wants_json:
        return JsonResponse({"order": ids})
    messages.success(request, _("Saved the new order."))
    return redirect("teach-course", pk=course.pk)


# Lessons ------------------------------------------------------------------


@editor_styles
@instructor_required
@require_http_methods(["GET", "POST"])
def new_lesson(request, pk: int):
    course = taught_course(request.user, pk)
    if not course.modules.exists():
        messages.error(request, _("Add a module first: each lesson belongs to a module."))
        return redirect(f"{reverse('teach-course', args=[course.pk])}#module_title")
    initial = {"module": request.GET.get("module")} if request.GET.get("module", "").isdigit() else {}
    form = NewLessonForm(request.POST if request.method == "POST" else None, request.FILES or None, course=course,
                         initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = lesson_fields(form, request.FILES)
        try:
            lesson = services.add_lesson(module=form.cleaned_data["module"], **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added the lesson “%(title)s”.") % {"title": lesson.title})
            return redirect(f"{reverse('teach-course', args=[course.pk])}#lesson-{lesson.pk}")
    status = 400 if form.errors else 200
    context = {"course": course, "form": form, "lesson": None}
    return render(request, "frontend/teaching/courses/lesson.html", context, status=status)


@editor_styles
@instructor_required
@require_http_methods(["GET", "POST"])
def lesson_page(request, pk: int):
    lesson = taught_lesson(request.user, pk)
    form = LessonForm(request.POST if request.method == "POST" else None, request.FILES or None,
                      instance=copy.copy(lesson))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_lesson(lesson=lesson, **lesson_fields(form, request.FILES))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the lesson."))
            return redirect("teach-lesson", pk=lesson.pk)
    return lesson_response(request, lesson, form=form)


def lesson_response(request, lesson: Lesson, *, form, errors=()):
    status = 400 if errors or form.errors else 200
    context = {"course": lesson.module.course, "lesson": lesson, "form": form, "errors": errors}
    return render(request, "frontend/teaching/courses/lesson.html", context, status=status)


def lesson_fields(form, files) -> dict:
    """What the lesson services take; the file only when a new one was uploaded."""
    names = ["title", "kind", "body", "url", "estimated_minutes", *(["file"] if "file" in files else [])]
    return {name: form.cleaned_data[name] for name in names}


@editor_styles
@instructor_required
@require_POST
def delete_lesson(request, pk: int):
    lesson = taught_lesson(request.user, pk)
    try:
        services.delete_lesson(actor=request.user, lesson=lesson)
    except ValidationError as error:
        return lesson_response(request, lesson, form=LessonForm(instance=lesson), errors=[error_text(error)])
    messages.success(request, _("Deleted the lesson “%(title)s”.") % {"title": lesson.title})
    return redirect(f"{reverse('teach-course', args=[lesson.module.course_id])}#module-{lesson.module_id}")


@instructor_required
@require_POST
def move_lesson(request, pk: int):
    lesson = taught_lesson(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return course_response(request, lesson.module.course, errors=[_("Choose up or down.")])
    services.move_lesson(lesson=lesson, step=form.step)
    return redirect(f"{reverse('teach-course', args=[lesson.module.course_id])}#lesson-{lesson.pk}")
