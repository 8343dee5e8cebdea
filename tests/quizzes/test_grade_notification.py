"""The learner is told once when an instructor's grade finishes their attempt's grading."""

from decimal import Decimal

import pytest

from accounts.models import Notification
from quizzes import services
from quizzes.formats import ParsedQuestion
from tests.quizzes.test_review_and_grading import finished_attempt


@pytest.fixture
def two_essay_quiz(quiz, bank):
    services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", "Trình bày ý kiến.", points=Decimal("4")),
                                              ParsedQuestion("essay", "Nêu ví dụ.", points=Decimal("2"))])
    return quiz


def test_the_learner_is_told_when_the_last_essay_is_graded_and_only_then(two_essay_quiz, enrolled, instructor):
    attempt = finished_attempt(two_essay_quiz, enrolled, right=True)
    first, second = attempt.responses.filter(points__isnull=True).order_by("position")

    services.grade_response(actor=instructor, response=first, points=Decimal("3"))
    assert not Notification.objects.filter(kind="grade").exists()

    services.grade_response(actor=instructor, response=second, points=Decimal("1"))
    [notice] = Notification.objects.filter(kind="grade")
    assert notice.recipient_id == attempt.user_id
    assert notice.url == f"/attempts/{attempt.pk}/result/"
    assert two_essay_quiz.title and two_essay_quiz.title in notice.title

    services.grade_response(actor=instructor, response=second, points=Decimal("2"))  # a change of mind later
    assert Notification.objects.filter(kind="grade").count() == 1
