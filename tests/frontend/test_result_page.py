"""`/attempts/{id}/result/` while essays wait for a grade: the marks known so far, as far as the review policy allows.

The policy is `quizzes.services.marks_allowed`, the review rule of the API applied
from the moment the automatic questions are scored: after_submit shows them,
after_close only once the quiz has closed, never not at all.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes import services
from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.models import Attempt, Quiz
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import make_quiz

ESSAY = ParsedQuestion("essay", "Nêu giải pháp nâng cao chỉ số PAR INDEX của tỉnh.")


def essay_quiz(course, bank, **fields) -> Quiz:
    """The bank's six automatic questions (one point each) and an essay."""
    services.add_questions(bank=bank, parsed=[ESSAY])
    return make_quiz(course, bank, **fields)


def waiting_attempt(quiz, learner) -> Attempt:
    """Handed in with the single-choice question right, the rest unanswered, and an essay: scored so far."""
    attempt, _created = services.start_attempt(user=learner, quiz=quiz)
    single = next(q for q in attempt.questions if q["type"] == "single")
    essay = next(q for q in attempt.questions if q["type"] == "essay")
    right = next(c["id"] for c in single["choices"] if c["text"] == "Sở Nội vụ")
    services.save_answers(attempt=attempt, answers={str(single["id"]): right, str(essay["id"]): "Số hóa hồ sơ."})
    services.submit_attempt(attempt=attempt)
    services.score_attempt(attempt.pk)
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.status == Attempt.Status.NEEDS_GRADING
    return attempt


def result_page(person, attempt) -> str:
    response = browser_for(person).get(f"/attempts/{attempt.pk}/result/")
    assert response.status_code == 200
    return response.content.decode()


def test_after_submit_the_marks_so_far_and_the_essays_waiting_are_shown(course, bank, enrolled):
    attempt = waiting_attempt(essay_quiz(course, bank, review="after_submit"), enrolled)
    page = result_page(enrolled, attempt)
    assert "Đang chờ chấm: 1 câu tự luận" in page
    assert "Điểm tạm tính: 1/6 điểm của các câu đã chấm" in page
    assert page.count('<th scope="row">Câu ') == 7
    assert page.count("badge--right") == 1 and page.count("badge--wrong") == 5
    assert "badge--pending" in page and "đang chờ chấm" in page
    # Marks only: no answers, right answers or feedback before the whole result.
    for secret in ("Sở Nội vụ", "Đáp án đúng", "Xem lại bài làm", "Số hóa hồ sơ."):
        assert secret not in page, secret


def test_review_never_shows_no_marks_while_essays_wait(course, bank, enrolled):
    attempt = waiting_attempt(essay_quiz(course, bank, review="never"), enrolled)
    page = result_page(enrolled, attempt)
    assert "Đang chờ chấm: 1 câu tự luận" in page
    assert "Điểm tạm tính" not in page and '<th scope="row">Câu ' not in page and "badge--right" not in page
    assert "Bài kiểm tra này không cho xem điểm từng câu." in page


def test_after_close_the_marks_wait_for_the_quiz_to_close(course, bank, enrolled):
    closes_at = timezone.now() + timedelta(days=1)
    quiz = essay_quiz(course, bank, review="after_close", closes_at=closes_at)
    attempt = waiting_attempt(quiz, enrolled)
    page = result_page(enrolled, attempt)
    assert "Đang chờ chấm: 1 câu tự luận" in page and "Điểm tạm tính" not in page and "badge--right" not in page
    assert f"Điểm từng câu sẽ hiện khi bài kiểm tra đóng, lúc {timezone.localtime(closes_at):%H:%M %d/%m/%Y}." in page
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page = result_page(enrolled, attempt)
    assert "Điểm tạm tính: 1/6 điểm" in page and page.count("badge--right") == 1


def test_the_rule_is_the_quizzes_own(course, bank, enrolled):
    """The page asks `marks_allowed`; once scored the full review is `review_allowed`'s, as in the API."""
    attempt = waiting_attempt(essay_quiz(course, bank, review="after_submit"), enrolled)
    assert services.marks_allowed(attempt) and not services.review_allowed(attempt)
    Quiz.objects.filter(pk=attempt.quiz_id).update(review="never")
    assert not services.marks_allowed(Attempt.objects.select_related("quiz").get(pk=attempt.pk))


def test_once_the_essay_is_graded_the_whole_result_replaces_the_marks_so_far(course, bank, enrolled, instructor):
    attempt = waiting_attempt(essay_quiz(course, bank, review="after_submit"), enrolled)
    essay = attempt.responses.get(max_points=1, question__type="essay")
    services.grade_response(actor=instructor, response=essay, points=1, comment="Tốt")
    page = result_page(enrolled, attempt)
    assert "Đang chờ chấm" not in page and "Điểm tạm tính" not in page
    assert "Xem lại bài làm" in page and "Sở Nội vụ" in page


def test_the_instructor_sees_every_answer_while_the_essay_waits(course, bank, enrolled, instructor):
    attempt = waiting_attempt(essay_quiz(course, bank, review="never"), enrolled)
    page = result_page(instructor, attempt)
    assert "Số hóa hồ sơ." in page and "Xem lại bài làm" in page and "Điểm tạm tính" not in page


def test_someone_else_cannot_see_the_marks_so_far(course, bank, enrolled, outsider):
    attempt = waiting_attempt(essay_quiz(course, bank), enrolled)
    assert browser_for(outsider).get(f"/attempts/{attempt.pk}/result/").status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_the_page_takes_a_fixed_number_of_queries_while_essays_wait(count, course, bank, enrolled,
                                                                   django_assert_max_num_queries):
    services.add_questions(bank=bank, parsed=[
        ParsedQuestion("single", f"Câu hỏi số {n}", answers=[ParsedAnswer("Đúng", 1), ParsedAnswer("Sai", 0)])
        for n in range(count)
    ])
    attempt = waiting_attempt(essay_quiz(course, bank), enrolled)
    client = browser_for(enrolled)
    # The page's frame (session, me, my roles, my unit, my unread notices); the attempt with its quiz; its responses.
    with django_assert_max_num_queries(7):
        page = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert page.count('<th scope="row">Câu ') == count + 7
