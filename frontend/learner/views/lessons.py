"""Reading a lesson and marking it done."""

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from courses import services as course_services
from courses.access import reads_lessons, teaches, visible_courses
from courses.files import lesson_file_response
from courses.models import Enrollment, Lesson, LessonProgress
from frontend.embeds import embed_url
from frontend.access import forbidden


def visible_lesson(user, pk: int) -> Lesson:
    """The lesson of a course the person can see, else 404 (as the API answers)."""
    lessons = Lesson.objects.filter(module__course__in=visible_courses(user))
    return get_object_or_404(lessons.select_related("module__course").prefetch_related("module__course__instructors"),
                             pk=pk)


def course_outline(course_id: int) -> list[tuple[int, str]]:
    """(id, title) of every lesson of the course, in reading order."""
    lessons = Lesson.objects.filter(module__course_id=course_id)
    return list(lessons.order_by("module__position", "module_id", "position", "id").values_list("id", "title"))


def neighbours(outline: list[tuple[int, str]], lesson_id: int):
    ids = [pk for pk, _title in outline]
    index = ids.index(lesson_id)
    previous = outline[index - 1] if index > 0 else None
    following = outline[index + 1] if index + 1 < len(outline) else None
    return previous, following


# The one page that frames anything: the YouTube or Vimeo player of a video lesson.
@csp_update({"frame-src": settings.VIDEO_PLAYERS})
@login_required
@require_GET
def lesson_page(request, pk: int):
    lesson = visible_lesson(request.user, pk)
    course = lesson.module.course
    enrollment = Enrollment.objects.filter(user=request.user, course=course).first()
    if enrollment is None and not teaches(request.user, course):
        return forbidden(request, _("Enrol in the course to read its lessons."),
                         back_url=reverse("course", args=[course.pk]), back_label=course.title)
    done = enrollment is not None and LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).exists()
    context = {"lesson": lesson, "course": course, "enrollment": enrollment, "done": done, **navigation(lesson)}
    if lesson.kind == Lesson.Kind.VIDEO:
        context["embed_url"] = embed_url(lesson.url)
    return render(request, "frontend/learner/lessons/lesson.html", context)


@login_required
@require_safe
def lesson_file(request, pk: int):
    """The lesson's file, for those who may read the lesson (404 and 403 as for the lesson page)."""
    lesson = visible_lesson(request.user, pk)
    course = lesson.module.course
    if not reads_lessons(request.user, course):
        return forbidden(request, _("Enrol in the course to read its lessons."),
                         back_url=reverse("course", args=[course.pk]), back_label=course.title)
    return lesson_file_response(lesson)


def navigation(lesson: Lesson) -> dict:
    """Where the lesson stands in its course, and the lessons before and after it."""
    outline = course_outline(lesson.module.course_id)
    previous, following = neighbours(outline, lesson.pk)
    position = [pk for pk, _title in outline].index(lesson.pk) + 1
    return {"position": position, "lesson_count": len(outline), "previous": previous, "next": following}


@login_required
@require_POST
def mark_done(request, pk: int):
    lesson = visible_lesson(request.user, pk)
    course = lesson.module.course
    was_completed = Enrollment.objects.filter(user=request.user, course=course, status=Enrollment.Status.COMPLETED).exists()
    enrollment = course_services.complete_lesson(user=request.user, lesson=lesson)
    _previous, following = neighbours(course_outline(course.pk), lesson.pk)
    if enrollment.is_completed and not was_completed:
        messages.success(request, _("Congratulations! You have completed the course “%(title)s”.") % {
            "title": course.title})
        return redirect("course", pk=course.pk)
    if following is not None:
        return redirect("lesson", pk=following[0])
    messages.info(request, _("You have reached the last lesson. Check what the course still asks of you below."))
    return redirect("course", pk=course.pk)
