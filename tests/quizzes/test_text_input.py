"""Essays are free text, but not control characters: PostgreSQL refuses a NUL (a 500 on the exam-day path)."""

from decimal import Decimal

import pytest

from quizzes import services as quiz_services
from quizzes.formats import ParsedQuestion
from quizzes.models import Attempt
from tests.conftest import client_for
from tests.quizzes.conftest import make_quiz


@pytest.fixture
def essay_attempt(course, bank, enrolled):
    quiz_services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", "Trình bày.", points=Decimal("2"))])
    quiz = make_quiz(course, bank)
    attempt, _created = quiz_services.start_attempt(user=enrolled, quiz=quiz)
    essay = next(question for question in attempt.questions if question["type"] == "essay")
    return attempt, str(essay["id"])


def test_a_nul_in_an_essay_autosave_is_a_400_and_nothing_is_saved(essay_attempt, enrolled):
    attempt, essay = essay_attempt
    response = client_for(enrolled).patch(f"/api/v1/attempts/{attempt.pk}/answers/",
                                          {"answers": {essay: "Cải cách\x00 hành chính"}}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [f"answers.{essay}"]
    assert Attempt.objects.get(pk=attempt.pk).answers == {}


def test_an_essay_with_new_lines_and_tabs_is_saved(essay_attempt, enrolled):
    attempt, essay = essay_attempt
    text = "Một:\r\n\tcải cách thể chế\nHai: thủ tục"
    response = client_for(enrolled).patch(f"/api/v1/attempts/{attempt.pk}/answers/",
                                          {"answers": {essay: text}}, format="json")
    assert response.status_code == 200
    assert Attempt.objects.get(pk=attempt.pk).answers == {essay: text}
