"""Instructors grade essays on one page; the attempt is rescored at once."""

from decimal import Decimal

import pytest

from quizzes import services
from quizzes.formats import ParsedQuestion
from quizzes.models import Attempt, Response
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import make_quiz


@pytest.fixture
def essay_quiz(course, bank):
    services.add_questions(bank=bank, parsed=[
        ParsedQuestion("essay", "Nêu giải pháp nâng cao chỉ số PAR INDEX.", points=Decimal("4"))])
    return make_quiz(course, bank)


def handed_in(quiz, learner, essay="Đẩy mạnh dịch vụ công trực tuyến toàn trình.") -> Attempt:
    attempt, _created = services.start_attempt(user=learner, quiz=quiz)
    question = next(q for q in attempt.questions if q["type"] == "essay")
    services.save_answers(attempt=attempt, answers={str(question["id"]): essay})
    services.submit_attempt(attempt=attempt)
    services.score_attempt(attempt.pk)
    return Attempt.objects.get(pk=attempt.pk)


def essay_of(attempt) -> Response:
    return attempt.responses.get(points__isnull=True)


def test_the_instructor_sees_each_essay_waiting_with_its_answer(essay_quiz, enrolled, instructor):
    attempt = handed_in(essay_quiz, enrolled)
    page = browser_for(instructor).get("/grading/").content.decode()
    assert "Nêu giải pháp nâng cao chỉ số PAR INDEX." in page
    assert "Đẩy mạnh dịch vụ công trực tuyến toàn trình." in page
    assert "Nông Văn Học" in page
    assert f'action="/responses/{essay_of(attempt).pk}/grade"' in page
    assert "Từ 0 đến 4." in page


def test_grading_rescores_the_attempt(essay_quiz, enrolled, instructor):
    attempt = handed_in(essay_quiz, enrolled)
    essay = essay_of(attempt)
    response = browser_for(instructor).post(
        f"/responses/{essay.pk}/grade", {f"r{essay.pk}-points": "3,5", f"r{essay.pk}-comment": "Khá tốt."}, follow=True)
    assert "Đã chấm câu trả lời của Nông Văn Học." in response.content.decode()
    essay.refresh_from_db()
    assert essay.points == Decimal("3.5") and essay.comment == "Khá tốt."
    assert Attempt.objects.get(pk=attempt.pk).status == "scored"
    assert "Không có bài nào cần chấm." in response.content.decode()


def test_points_above_the_maximum_are_refused(essay_quiz, enrolled, instructor):
    essay = essay_of(handed_in(essay_quiz, enrolled))
    response = browser_for(instructor).post(f"/responses/{essay.pk}/grade", {f"r{essay.pk}-points": "5"}, follow=True)
    assert response.status_code == 200
    essay.refresh_from_db()
    assert essay.points is None


def test_another_instructor_neither_sees_nor_grades_it(essay_quiz, enrolled, province):
    essay = essay_of(handed_in(essay_quiz, enrolled))
    stranger = UserFactory(username="gv-khac", roles=["instructor"])
    assert "PAR INDEX" not in browser_for(stranger).get("/grading/").content.decode()
    assert browser_for(stranger).post(f"/responses/{essay.pk}/grade", {f"r{essay.pk}-points": "4"}).status_code == 404
    essay.refresh_from_db()
    assert essay.points is None


def test_learners_cannot_open_the_grading_page(enrolled):
    response = browser_for(enrolled).get("/grading/")
    assert response.status_code == 403
    assert "Chỉ giảng viên mới được chấm bài tự luận." in response.content.decode()


@pytest.mark.parametrize("count", [1, 8])
def test_the_grading_page_is_a_fixed_number_of_queries(count, essay_quiz, instructor, course, province,
                                                       django_assert_max_num_queries):
    from courses import services as course_services

    other_course = build_course(instructor, code="KHAC", lessons=1)
    for number in range(count):
        learner = UserFactory(username=f"hv{number}", roles=["learner"])
        course_services.enroll(user=learner, course=course)
        course_services.enroll(user=learner, course=other_course)
        handed_in(essay_quiz, learner)
    client = browser_for(instructor)
    # Session, person, roles, unit; the count and the page of answers with attempt, quiz, course and learner.
    with django_assert_max_num_queries(6):
        assert client.get("/grading/").status_code == 200
