"""Creating a quiz and changing its settings (quizzes.services.quizzes), as the API and the teaching pages do."""

from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEntry
from quizzes import services
from quizzes.models import Quiz
from quizzes.services.quizzes import create_quiz, update_quiz
from tests.conftest import client_for
from tests.courses.conftest import build_course
from tests.factories import UserFactory


@pytest.fixture
def stranger(province):
    return UserFactory(username="giangvienkhac", roles=["instructor"])


def test_a_quiz_is_created_with_its_settings_and_audited(instructor, course, bank):
    quiz = create_quiz(actor=instructor, course=course, title="Kiểm tra", bank=bank, time_limit_minutes=15,
                       pass_percent=Decimal("70"))

    quiz.refresh_from_db()
    assert (quiz.course, quiz.bank, quiz.time_limit_minutes, quiz.pass_percent) == (course, bank, 15, 70)
    assert quiz.grading_method == "highest" and quiz.shuffle_questions is True, "the model's defaults"
    assert AuditEntry.objects.filter(action="quiz.created", target_id=str(quiz.pk), actor=instructor).exists()


def test_a_bank_of_another_course_is_refused_naming_the_bank(instructor, course, bank):
    other = build_course(instructor, code="QZ-02", lessons=1)
    with pytest.raises(ValidationError) as refused:
        create_quiz(actor=instructor, course=other, title="Kiểm tra", bank=bank)
    assert list(refused.value.message_dict) == ["bank"]
    assert not Quiz.objects.exists()


def test_a_quiz_closing_before_it_opens_is_refused(instructor, course, bank):
    with pytest.raises(ValidationError) as refused:
        create_quiz(actor=instructor, course=course, title="Kiểm tra", bank=bank,
                    opens_at=datetime(2026, 3, 2, tzinfo=dt_timezone.utc),
                    closes_at=datetime(2026, 3, 1, tzinfo=dt_timezone.utc))
    assert list(refused.value.message_dict) == ["closes_at"]


def test_numbers_out_of_range_are_refused_naming_each(instructor, course, bank):
    with pytest.raises(ValidationError) as refused:
        create_quiz(actor=instructor, course=course, title="Kiểm tra", bank=bank, pass_percent=Decimal("101"),
                    max_attempts=0)
    assert set(refused.value.message_dict) == {"pass_percent", "max_attempts"}


def test_only_the_courses_instructors_create_or_change_its_quizzes(stranger, course, bank, quiz):
    with pytest.raises(PermissionDenied):
        create_quiz(actor=stranger, course=course, title="Kiểm tra", bank=bank)
    with pytest.raises(PermissionDenied):
        update_quiz(actor=stranger, quiz=quiz, title="Bị sửa")
    quiz.refresh_from_db()
    assert quiz.title == "Kiểm tra cuối khoá" and Quiz.objects.count() == 1


def test_an_unknown_setting_is_a_programming_error(instructor, course, bank):
    with pytest.raises(TypeError):
        create_quiz(actor=instructor, course=course, title="Kiểm tra", bank=bank, attempts=3)


def test_an_update_changes_what_is_given_and_keeps_the_rest(instructor, quiz):
    update_quiz(actor=instructor, quiz=quiz, review="never", max_attempts=3)

    quiz.refresh_from_db()
    assert quiz.review == "never" and quiz.max_attempts == 3 and quiz.title == "Kiểm tra cuối khoá"
    entry = AuditEntry.objects.get(action="quiz.updated", target_id=str(quiz.pk))
    assert entry.changes == {"fields": ["max_attempts", "review"]}


def test_a_refused_update_leaves_the_stored_quiz_alone(instructor, quiz):
    with pytest.raises(ValidationError):
        update_quiz(actor=instructor, quiz=quiz, title="Mới", time_limit_minutes=10**9)
    assert Quiz.objects.get(pk=quiz.pk).title == "Kiểm tra cuối khoá"


def test_a_category_of_another_bank_is_refused(instructor, course, quiz):
    other = services.create_bank(actor=instructor, name="Khác", course=course)
    category = other.categories.create(name="Một cửa")
    with pytest.raises(ValidationError) as refused:
        update_quiz(actor=instructor, quiz=quiz, category=category)
    assert list(refused.value.message_dict) == ["category"]


def test_the_api_creates_and_changes_quizzes_through_the_services(instructor, course, bank):
    api = client_for(instructor)
    created = api.post("/api/v1/quizzes/", {"title": "Qua API", "course": course.pk, "bank": bank.pk},
                       format="json")
    assert created.status_code == 201, created.content
    quiz_id = created.json()["id"]
    changed = api.patch(f"/api/v1/quizzes/{quiz_id}/", {"pass_percent": "80"}, format="json")
    assert changed.status_code == 200 and changed.json()["pass_percent"] == "80.00"
    assert [entry.action for entry in AuditEntry.objects.filter(target_type="quizzes.quiz", target_id=str(quiz_id)).order_by("pk")] == [
        "quiz.created", "quiz.updated"]
