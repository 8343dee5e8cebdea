"""Editing a course's outline: renaming and deleting modules, deleting lessons, moving one step."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEntry
from courses import services
from courses.models import Course, Lesson, Module
from tests.courses.conftest import build_course


def titles(queryset) -> list[str]:
    return list(queryset.order_by("position", "id").values_list("title", flat=True))


def test_a_module_is_renamed(instructor):
    module = build_course(instructor, publish=False).modules.get()
    services.rename_module(module=module, title="Chương mở đầu")
    assert Module.objects.get(pk=module.pk).title == "Chương mở đầu"


def test_deleting_a_module_takes_its_lessons_and_is_audited(instructor):
    course = build_course(instructor, publish=False)
    module = course.modules.get()
    services.delete_module(actor=instructor, module=module)
    assert not course.modules.exists()
    assert not Lesson.objects.filter(module__course=course).exists()
    entry = AuditEntry.objects.get(action="course.module_deleted")
    assert entry.target_id == str(course.pk) and entry.changes == {"module": "Chương 1", "lessons": 2}


def test_a_module_whose_lessons_learners_have_done_is_not_deleted(instructor, learner):
    course = build_course(instructor)
    services.enroll(user=learner, course=course)
    services.complete_lesson(user=learner, lesson=Lesson.objects.filter(module__course=course).first())
    with pytest.raises(ValidationError):
        services.delete_module(actor=instructor, module=course.modules.get())
    assert course.modules.get().lessons.count() == 2


def test_deleting_a_lesson_is_audited(instructor):
    course = build_course(instructor, publish=False)
    lesson = Lesson.objects.get(module__course=course, title="Bài 1")
    services.delete_lesson(actor=instructor, lesson=lesson)
    assert titles(Lesson.objects.filter(module__course=course)) == ["Bài 2"]
    assert AuditEntry.objects.get(action="course.lesson_deleted").changes == {"lesson": "Bài 1"}


def test_a_lesson_a_learner_has_done_is_not_deleted(instructor, learner):
    course = build_course(instructor)
    lesson = Lesson.objects.get(module__course=course, title="Bài 1")
    services.enroll(user=learner, course=course)
    services.complete_lesson(user=learner, lesson=lesson)
    with pytest.raises(ValidationError):
        services.delete_lesson(actor=instructor, lesson=lesson)
    assert Lesson.objects.filter(pk=lesson.pk).exists()


def test_a_lesson_moves_one_step_down_and_up(instructor):
    course = build_course(instructor, lessons=3, publish=False)
    module = course.modules.get()
    services.move_lesson(lesson=module.lessons.get(title="Bài 1"), step=1)
    assert titles(module.lessons) == ["Bài 2", "Bài 1", "Bài 3"]
    services.move_lesson(lesson=module.lessons.get(title="Bài 3"), step=-1)
    assert titles(module.lessons) == ["Bài 2", "Bài 3", "Bài 1"]


def test_a_lesson_at_either_end_stays_where_it_is(instructor):
    module = build_course(instructor, lessons=2, publish=False).modules.get()
    services.move_lesson(lesson=module.lessons.get(title="Bài 1"), step=-1)
    services.move_lesson(lesson=module.lessons.get(title="Bài 2"), step=1)
    assert titles(module.lessons) == ["Bài 1", "Bài 2"]


def test_a_move_of_more_than_one_step_changes_nothing(instructor):
    module = build_course(instructor, lessons=3, publish=False).modules.get()
    services.move_lesson(lesson=module.lessons.get(title="Bài 1"), step=2)
    assert titles(module.lessons) == ["Bài 1", "Bài 2", "Bài 3"]


def test_a_module_moves_within_its_course_only(instructor):
    course = build_course(instructor, publish=False)
    second = services.add_module(course=course, title="Chương 2")
    other = build_course(instructor, code="KHAC", publish=False)
    services.move_module(module=second, step=-1)
    assert titles(course.modules) == ["Chương 2", "Chương 1"]
    assert titles(other.modules) == ["Chương 1"]


def test_moving_a_lesson_tidies_positions_left_equal(instructor):
    """Lessons saved with the same position (an old import) still move by exactly one place."""
    module = build_course(instructor, lessons=3, publish=False).modules.get()
    module.lessons.update(position=0)
    services.move_lesson(lesson=module.lessons.get(title="Bài 3"), step=-1)
    assert titles(module.lessons) == ["Bài 1", "Bài 3", "Bài 2"]


def test_a_code_taken_between_the_check_and_the_save_is_a_validation_error_on_code(instructor):
    Course.objects.create(code="CCHC-TRUNG", title="Đã có")
    with pytest.raises(ValidationError) as refused:
        services.create_course(actor=instructor, code="CCHC-TRUNG", title="Trùng mã")
    assert "code" in refused.value.message_dict
    assert Course.objects.filter(code="CCHC-TRUNG").count() == 1
