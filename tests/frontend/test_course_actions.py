"""What a course's button says, the same on the course page and in the catalogue as on the dashboard:
"Bắt đầu" before any lesson or attempt, "Tiếp tục học" under way, "Xem lại" once completed (never "continue")."""

import re

import pytest

from quizzes import services as quiz_services
from tests.frontend import learner_data as data
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import make_quiz


def progress_card(html: str) -> str:
    return re.search(r'aria-labelledby="my-progress-heading".*?</section>', html, re.S).group(0)


def catalogue_card(html: str, title: str) -> str:
    return next(card for card in re.findall(r'<li class="card course-card">.*?</li>', html, re.S) if title in card)


def test_a_course_not_started_says_start_and_opens_its_first_lesson(instructor, learner):
    enrollment = data.assigned(learner, data.course(instructor, 1), due_in_days=5)
    card = progress_card(browser_for(learner).get(f"/courses/{enrollment.course_id}/").content.decode())
    first = data.lessons_of(enrollment.course)[0]
    assert f'href="/lessons/{first.pk}/">Bắt đầu</a>' in card


def test_a_course_under_way_says_continue_and_opens_the_next_lesson(instructor, learner):
    enrollment = data.in_progress(learner, data.course(instructor, 1, lessons=3))
    card = progress_card(browser_for(learner).get(f"/courses/{enrollment.course_id}/").content.decode())
    second = data.lessons_of(enrollment.course)[1]
    assert f'href="/lessons/{second.pk}/">Tiếp tục học</a>' in card


def test_with_every_lesson_done_and_the_quiz_left_it_leads_to_the_quiz(instructor, learner, bank, course):
    make_quiz(course, bank)
    data.completed(learner, course)  # the quiz is not passed: not completed
    card = progress_card(browser_for(learner).get(f"/courses/{course.pk}/").content.decode())
    assert 'href="#quizzes-heading">Tiếp tục học</a>' in card


def test_a_completed_course_says_review_and_never_continue(instructor, learner):
    enrollment = data.completed(learner, data.course(instructor, 1))
    html = browser_for(learner).get(f"/courses/{enrollment.course_id}/").content.decode()
    assert ">Xem lại</a>" in progress_card(html)
    assert "Tiếp tục" not in html


def test_an_attempt_alone_makes_a_course_under_way(instructor, learner, bank, course):
    quiz = make_quiz(course, bank)
    data.assigned(learner, course, due_in_days=5)
    quiz_services.start_attempt(user=learner, quiz=quiz)
    card = progress_card(browser_for(learner).get(f"/courses/{course.pk}/").content.decode())
    assert ">Tiếp tục học</a>" in card


@pytest.mark.parametrize("state, label", [("new", "Bắt đầu"), ("going", "Tiếp tục học"), ("done", "Xem lại")])
def test_the_catalogue_says_the_same(state, label, instructor, learner):
    course = data.course(instructor, 1, title="Khóa trong danh mục")
    if state == "new":
        data.assigned(learner, course, due_in_days=5)
    elif state == "going":
        data.in_progress(learner, course)
    else:
        data.completed(learner, course)
    card = catalogue_card(browser_for(learner).get("/courses/").content.decode(), "Khóa trong danh mục")
    assert f'{label}<span class="visually-hidden">: Khóa trong danh mục</span>' in card
    assert state == "done" or "Xem lại" not in card
    assert state == "going" or "Tiếp tục" not in card
