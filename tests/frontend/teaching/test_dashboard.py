"""`/teach/`: an instructor's own courses, events, quizzes and banks, with their figures, in fixed queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import services as course_services
from quizzes import services as quiz_services
from quizzes.formats import ParsedQuestion
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import every_type, make_quiz
from training import services as training_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def colleague(province):
    return UserFactory(username="giangvien2", full_name="Lý Thị Dạy", org_unit=unit("SNV"), roles=["instructor"])


def learners(count: int, prefix: str = "hv"):
    return [UserFactory(username=f"{prefix}{number}", org_unit=unit("BABE-TG"), roles=["learner"])
            for number in range(count)]


def upcoming_event(instructor, title="Hội nghị tuyên truyền CCHC", people=()):
    day = timezone.localdate() + timedelta(days=3)
    event = training_services.create_event(actor=instructor, kind="conference", title=title, starts_on=day,
                                           ends_on=day)
    starts = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(hours=8)
    training_services.add_session(actor=instructor, event=event, title="Phiên sáng", starts_at=starts,
                                  ends_at=starts + timedelta(hours=2))
    if people:
        training_services.add_to_roster(actor=instructor, event=event, user_ids=[person.pk for person in people])
    return event


def build_world(instructor, *, courses: int, people: int, suffix: str = ""):
    """`courses` courses, each with a bank, a quiz and `people` learners (one of whom completed), and an event."""
    crowd = learners(people, prefix=f"hv{suffix}-")
    for number in range(courses):
        course = build_course(instructor, code=f"CCHC-{suffix}{number}", title=f"Khóa {suffix}{number}", lessons=1,
                              completion_rule="lessons")
        bank = quiz_services.create_bank(actor=instructor, name=f"Ngân hàng {suffix}{number}", course=course)
        quiz_services.add_questions(bank=bank, parsed=every_type()[:2])
        make_quiz(course, bank, title=f"Kiểm tra {suffix}{number}", counts_for_completion=False)
        for person in crowd:
            course_services.enroll(user=person, course=course)
        course_services.complete_lesson(user=crowd[0], lesson=course.modules.get().lessons.get())
    upcoming_event(instructor, title=f"Hội nghị {suffix}", people=crowd)


def test_it_shows_my_courses_with_their_learners_and_completion_rate(teacher):
    build_world(teacher, courses=1, people=4)
    draft = build_course(teacher, code="NHAP-01", title="Khóa đang soạn", publish=False)

    page = browser_for(teacher).get("/teach/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Khóa đang soạn" in html and "Bản nháp" in html
    rows = {course.title: course for course in page.context["page"].object_list}
    assert (rows["Khóa 0"].enrolled, rows["Khóa 0"].completed) == (4, 1)
    assert "25 %" in html
    # Drafts come first: they are what an instructor is working on.
    assert page.context["page"].object_list[0] == draft


def test_it_lists_events_coming_up_quizzes_banks_and_essays_waiting(teacher):
    build_world(teacher, courses=1, people=2)
    course = build_course(teacher, code="TL-01", title="Tự luận", lessons=1)
    essays = quiz_services.create_bank(actor=teacher, name="Tự luận", course=course)
    quiz_services.add_questions(bank=essays, parsed=[ParsedQuestion("essay", "Nêu giải pháp.", points=Decimal(4))])
    quiz = make_quiz(course, essays, title="Bài tự luận")
    someone = learners(1, prefix="tl")[0]
    course_services.enroll(user=someone, course=course)
    attempt, _created = quiz_services.start_attempt(user=someone, quiz=quiz)
    quiz_services.save_answers(attempt=attempt, answers={str(attempt.questions[0]["id"]): "Một cửa."})
    quiz_services.submit_attempt(attempt=attempt)
    quiz_services.score_attempt(attempt.pk)

    html = browser_for(teacher).get("/teach/").content.decode()

    assert "Hội nghị" in html and "Buổi tiếp theo:" in html
    assert "Kiểm tra 0" in html and "Ngân hàng 0" in html and "Bài tự luận" in html
    assert "1 bài tự luận đang chờ chấm" in html.replace("câu trả lời tự luận", "bài tự luận")
    assert 'href="/grading/"' in html


def test_it_shows_nothing_of_another_instructors_courses(teacher, colleague):
    build_world(colleague, courses=1, people=1, suffix="x")

    html = browser_for(teacher).get("/teach/").content.decode()

    assert "Khóa x0" not in html and "Ngân hàng x0" not in html and "Hội nghị x" not in html
    assert "Bạn chưa dạy khóa học nào." in html


@pytest.mark.parametrize("roles", [["learner"], ["hr"]])
def test_it_refuses_people_who_do_not_teach(province, roles):
    person = UserFactory(username="khac", org_unit=unit("BABE-TG"), roles=roles)

    page = browser_for(person).get("/teach/")

    assert page.status_code == 403
    assert "Chỉ giảng viên" in page.content.decode()


def test_it_sends_a_visitor_to_sign_in(client):
    assert client.get("/teach/")["Location"].startswith("/accounts/login/")


def test_it_runs_the_same_number_of_queries_whatever_the_data_size(teacher, django_assert_max_num_queries):
    build_world(teacher, courses=1, people=1, suffix="a")
    client = browser_for(teacher)
    with django_assert_max_num_queries(13) as small:
        assert client.get("/teach/").status_code == 200
    build_world(teacher, courses=6, people=8, suffix="b")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/teach/").status_code == 200
