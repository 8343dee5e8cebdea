"""The quiz admin shows an instructor what the API shows them; only a course's instructors change its quizzes."""

import pytest
from django.contrib.messages import get_messages

from accounts.models import AuditEntry, Job
from courses import services as course_services
from quizzes import services
from quizzes.models import Attempt, Category, Question, QuestionBank, Quiz
from tests.accounts.test_admin_scope import api_listed, assert_missing, listed, signed_in
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.quizzes.conftest import every_type, make_quiz

COVERED = {"quizzes.QuestionBank", "quizzes.Category", "quizzes.Question", "quizzes.Quiz", "quizzes.Attempt"}


@pytest.fixture
def theirs(province, instructor):
    """Another instructor's course with a bank, a category and a quiz; our instructor is enrolled in it."""
    colleague = UserFactory(username="giangvien2", org_unit=unit("SNV"), roles=["instructor"])
    course = build_course(colleague, code="QZ-99", lessons=1)
    bank = services.create_bank(actor=colleague, name="Ngân hàng khác", course=course)
    services.add_questions(bank=bank, parsed=every_type()[:2])
    Category.objects.create(bank=bank, name="Của người khác")
    course_services.enroll(user=instructor, course=course)
    return make_quiz(course, bank, title="Kiểm tra của người khác")


@pytest.fixture
def attempts(quiz, theirs, enrolled, instructor):
    """The learner's attempt at our quiz, and our instructor's own attempt at theirs."""
    learners, _created = services.start_attempt(user=enrolled, quiz=quiz)
    own, _created = services.start_attempt(user=instructor, quiz=theirs)
    return learners, own


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_the_bank_list_shows_an_instructor_their_banks_as_the_api_does(bank, theirs, instructor, admin_user, hr_babe):
    assert listed(instructor, "/admin/quizzes/questionbank/") == api_listed(instructor, "/api/v1/question-banks/")
    assert listed(instructor, "/admin/quizzes/questionbank/") == {bank.pk}
    assert listed(admin_user, "/admin/quizzes/questionbank/") == ids(QuestionBank.objects.all())
    assert signed_in(hr_babe).get("/admin/quizzes/questionbank/").status_code == 403
    assert_missing(instructor, QuestionBank, theirs.bank_id)


def test_a_bank_added_in_the_admin_is_made_by_the_service(course, instructor):
    response = signed_in(instructor).post("/admin/quizzes/questionbank/add/", {"name": "Ngân hàng mới",
                                                                                "course": course.pk})
    assert response.status_code == 302, response.content[:2000]
    bank = QuestionBank.objects.get(name="Ngân hàng mới")
    assert AuditEntry.objects.filter(action="question_bank.created", target_id=str(bank.pk), actor=instructor).exists()


def test_a_bank_stays_in_its_course_in_the_admin(bank, quiz, instructor):
    other = build_course(instructor, code="QZ-02", lessons=1)  # taught by the same instructor
    response = signed_in(instructor).post(f"/admin/quizzes/questionbank/{bank.pk}/change/", {
        "name": "Ngân hàng đổi tên", "course": other.pk})
    assert response.status_code == 302, response.content[:2000]
    bank = QuestionBank.objects.get(pk=bank.pk)
    # Its quizzes are its course's: as in the API, it does not move to another.
    assert bank.name == "Ngân hàng đổi tên" and bank.course_id == quiz.course_id


def test_the_category_list_holds_the_categories_of_the_banks_taught(bank, theirs, instructor, admin_user, hr_babe):
    Category.objects.create(bank=bank, name="Của tôi")
    assert listed(instructor, "/admin/quizzes/category/") == ids(Category.objects.filter(bank=bank))
    assert listed(admin_user, "/admin/quizzes/category/") == ids(Category.objects.all())
    assert signed_in(hr_babe).get("/admin/quizzes/category/").status_code == 403
    assert_missing(instructor, Category, Category.objects.get(bank=theirs.bank).pk)


def test_the_question_list_holds_the_questions_the_api_gives_the_instructor(bank, theirs, instructor, admin_user):
    questions = {row["id"] for row in signed_in(instructor).get(
        f"/api/v1/question-banks/{bank.pk}/questions/", {"page_size": 500}).json()["results"]}
    assert listed(instructor, "/admin/quizzes/question/") == questions == ids(bank.questions.all())
    assert listed(admin_user, "/admin/quizzes/question/") == ids(Question.objects.all())
    assert_missing(instructor, Question, theirs.bank.questions.first().pk)


def test_the_quiz_list_shows_an_instructor_what_the_api_shows(quiz, theirs, instructor, admin_user, hr_babe):
    # The API lists the quizzes of the courses taught and of the courses the caller is enrolled in.
    assert listed(instructor, "/admin/quizzes/quiz/") == api_listed(instructor, "/api/v1/quizzes/")
    assert listed(instructor, "/admin/quizzes/quiz/") == {quiz.pk, theirs.pk}
    assert listed(admin_user, "/admin/quizzes/quiz/") == ids(Quiz.objects.all())
    assert signed_in(hr_babe).get("/admin/quizzes/quiz/").status_code == 403


def test_only_a_courses_instructors_change_or_regrade_its_quizzes_in_the_admin(quiz, theirs, instructor):
    client = signed_in(instructor)
    page = client.get(f"/admin/quizzes/quiz/{theirs.pk}/change/")
    assert page.status_code == 200 and b'name="title"' not in page.content
    assert client.post(f"/admin/quizzes/quiz/{theirs.pk}/change/", {"title": "Bị sửa"}).status_code == 403
    response = client.post("/admin/quizzes/quiz/", {"action": "regrade", "_selected_action": [theirs.pk]},
                           follow=True)
    assert response.status_code == 200 and not Job.objects.filter(kind="quiz.regrade").exists()
    assert any(theirs.title in str(message) for message in get_messages(response.wsgi_request))
    assert Quiz.objects.get(pk=theirs.pk).title == theirs.title


def test_the_attempt_list_holds_the_attempts_at_the_quizzes_taught(attempts, instructor, admin_user, hr_babe):
    learners, own = attempts
    # Not the instructor's own attempt at another's quiz: the admin would show its scores whatever the review policy.
    assert listed(instructor, "/admin/quizzes/attempt/") == {learners.pk}
    assert listed(admin_user, "/admin/quizzes/attempt/") == ids(Attempt.objects.all())
    assert signed_in(hr_babe).get("/admin/quizzes/attempt/").status_code == 403
    assert signed_in(instructor).get(f"/admin/quizzes/attempt/{learners.pk}/change/").status_code == 200
    assert_missing(instructor, Attempt, own.pk)
