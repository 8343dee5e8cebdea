"""Start, autosave, submit and the result run a fixed number of queries, whatever the number of questions."""

import pytest

from quizzes import services
from quizzes.formats import ParsedAnswer, ParsedQuestion
from tests.conftest import client_for
from tests.quizzes.conftest import make_quiz


def bank_of(bank, count):
    services.add_questions(bank=bank, parsed=[
        ParsedQuestion("single", f"Câu {n}", answers=[ParsedAnswer("Đúng", 1), ParsedAnswer("Sai", 0)])
        for n in range(count)
    ])


@pytest.mark.parametrize("count", [3, 40])
def test_the_hot_path_is_a_fixed_number_of_queries(count, course, bank, enrolled, django_assert_max_num_queries,
                                                   django_capture_on_commit_callbacks):
    bank_of(bank, count)
    quiz = make_quiz(course, bank)
    api = client_for(enrolled)
    # Quiz, attempts, enrolment, questions and choices (cached after the first start), insert.
    with django_assert_max_num_queries(8):
        started = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
    answers = {str(q["id"]): q["choices"][0]["id"] for q in started["questions"] if q["type"] == "single"}
    with django_assert_max_num_queries(4):
        assert api.patch(f"/api/v1/attempts/{started['id']}/answers/", {"answers": answers}).status_code == 200
    with django_assert_max_num_queries(4), django_capture_on_commit_callbacks(execute=False):
        assert api.post(f"/api/v1/attempts/{started['id']}/submit/").status_code == 202
    with django_assert_max_num_queries(15):
        assert services.score_attempt(started["id"])
    with django_assert_max_num_queries(4):
        assert api.get(f"/api/v1/attempts/{started['id']}/").json()["status"] == "scored"


@pytest.mark.parametrize("count", [1, 12])
def test_the_quiz_list_and_bank_questions_are_fixed(count, course, bank, enrolled, instructor,
                                                    django_assert_max_num_queries):
    for number in range(count):
        make_quiz(course, bank, title=f"Quiz {number}")
    bank_of(bank, count * 3)
    with django_assert_max_num_queries(5):
        assert client_for(enrolled).get("/api/v1/quizzes/").json()["count"] == count
    with django_assert_max_num_queries(8):
        assert client_for(instructor).get(f"/api/v1/question-banks/{bank.pk}/questions/").status_code == 200
