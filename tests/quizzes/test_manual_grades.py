"""Only essays take a grade by hand; answers scored by their key keep their points, through every door."""

from decimal import Decimal

import pytest

from quizzes import scoring, services
from quizzes.formats import ParsedQuestion
from quizzes.models import Attempt, Response
from tests.conftest import client_for
from tests.frontend.conftest import browser_for
from tests.quizzes.test_review_and_grading import finished_attempt


@pytest.fixture
def essay_quiz(quiz, bank):
    services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", "Trình bày ý kiến.", points=Decimal("4"))])
    return quiz


def single_choice_of(attempt) -> Response:
    position = next(n for n, data in enumerate(attempt.questions) if data["type"] == "single")
    return attempt.responses.get(position=position)


def test_the_api_refuses_a_grade_on_a_single_choice_answer(quiz, enrolled, instructor):
    attempt = finished_attempt(quiz, enrolled, right=False)
    single = single_choice_of(attempt)

    answer = client_for(instructor).post(f"/api/v1/responses/{single.pk}/grade/", {"points": "1"})

    assert answer.status_code == 400 and "points" in answer.json()
    single.refresh_from_db()
    assert single.points == Decimal("0") and single.graded_by is None
    assert Attempt.objects.get(pk=attempt.pk).score == attempt.score


def test_the_grading_page_refuses_a_grade_on_a_single_choice_answer(quiz, enrolled, instructor):
    attempt = finished_attempt(quiz, enrolled, right=False)
    single = single_choice_of(attempt)

    page = browser_for(instructor).post(f"/responses/{single.pk}/grade", {f"r{single.pk}-points": "1"}, follow=True)

    assert "Chỉ bài tự luận mới được chấm tay" in page.content.decode()
    single.refresh_from_db()
    assert single.points == Decimal("0")
    assert Attempt.objects.get(pk=attempt.pk).score == attempt.score


def test_an_essay_in_the_same_attempt_is_still_graded(essay_quiz, enrolled, instructor):
    attempt = finished_attempt(essay_quiz, enrolled, right=True)
    essay = attempt.responses.get(points__isnull=True)

    graded = client_for(instructor).post(f"/api/v1/responses/{essay.pk}/grade/", {"points": "2"})

    assert graded.status_code == 200, graded.content
    assert graded.json()["status"] == "scored" and graded.json()["score"] == "8.00"


def test_an_answer_the_scorer_could_not_read_waits_for_a_grade_by_hand(quiz, enrolled, instructor, monkeypatch):
    score = scoring.score

    def unreadable_single(data, answer):
        if data["type"] == "single":
            raise ValueError("a key the scorer cannot read")
        return score(data, answer)

    monkeypatch.setattr(scoring, "score", unreadable_single)
    attempt = finished_attempt(quiz, enrolled, right=True)
    assert attempt.status == "needs_grading"
    single = single_choice_of(attempt)

    graded = client_for(instructor).post(f"/api/v1/responses/{single.pk}/grade/", {"points": "1"})

    assert graded.status_code == 200, graded.content
    assert graded.json()["status"] == "scored" and graded.json()["score"] == "6.00"
