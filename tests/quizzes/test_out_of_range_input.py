"""Numbers and ids out of range: a 400 naming the field, or a 404, never a 500."""

import pytest

from tests.conftest import client_for

HUGE_ID = "9" * 23  # beyond a 64-bit integer
LARGEST_ID = "9" * 18


def quiz_fields(course, bank, **fields) -> dict:
    return {"title": "Kiểm tra", "course": course.pk, "bank": bank.pk, **fields}


@pytest.mark.parametrize(("field", "value"), [
    ("time_limit_minutes", 10**12), ("time_limit_minutes", 7 * 24 * 60 + 1),
    ("max_attempts", 2**31), ("max_attempts", 101),
    ("question_count", 2**31), ("question_count", 1001),
    ("pass_percent", "1000000"), ("pass_percent", "100.01"),
])
def test_a_quiz_number_out_of_range_is_a_400_naming_the_field(course, bank, instructor, field, value):
    response = client_for(instructor).post("/api/v1/quizzes/", quiz_fields(course, bank, **{field: value}),
                                           format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]


def test_an_edit_to_a_time_limit_beyond_a_week_is_a_400(quiz, instructor):
    response = client_for(instructor).patch(f"/api/v1/quizzes/{quiz.pk}/", {"time_limit_minutes": 10**12},
                                            format="json")

    assert response.status_code == 400 and "time_limit_minutes" in response.json()
    quiz.refresh_from_db()
    assert quiz.time_limit_minutes is None


def test_a_quiz_with_the_largest_limits_is_created_and_started(course, bank, instructor, enrolled):
    created = client_for(instructor).post("/api/v1/quizzes/", quiz_fields(
        course, bank, time_limit_minutes=7 * 24 * 60, max_attempts=100, question_count=1000, pass_percent="100"),
        format="json")
    assert created.status_code == 201, created.content

    started = client_for(enrolled).post(f"/api/v1/quizzes/{created.json()['id']}/attempts/")

    assert started.status_code == 201, started.content
    assert started.json()["deadline"] is not None


@pytest.mark.parametrize("points", [10**12, "10000", "-1"])
def test_question_points_that_do_not_fit_are_a_400_naming_the_field(bank, instructor, points):
    response = client_for(instructor).post(f"/api/v1/question-banks/{bank.pk}/questions/", {
        "type": "true_false", "text": "Đúng?", "points": points,
        "answers": [{"text": "true", "fraction": "1"}, {"text": "false"}]}, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["points"]


@pytest.mark.parametrize("number", [HUGE_ID, LARGEST_ID])
def test_a_huge_id_is_a_404_on_every_quiz_route(bank, instructor, enrolled, number):
    teacher, learner = client_for(instructor), client_for(enrolled)
    requests = [
        (teacher.get, f"/api/v1/question-banks/{number}/"),
        (teacher.get, f"/api/v1/question-banks/{number}/questions/"),
        (teacher.get, f"/api/v1/question-banks/{number}/export/?format=gift"),
        (teacher.get, f"/api/v1/questions/{number}/"),
        (teacher.put, f"/api/v1/questions/{number}/"),
        (teacher.delete, f"/api/v1/questions/{number}/"),
        (teacher.get, f"/api/v1/quizzes/{number}/"),
        (teacher.patch, f"/api/v1/quizzes/{number}/"),
        (teacher.post, f"/api/v1/quizzes/{number}/regrade/"),
        (teacher.get, f"/api/v1/quizzes/{number}/statistics/"),
        (learner.post, f"/api/v1/quizzes/{number}/attempts/"),
        (learner.get, f"/api/v1/attempts/{number}/"),
        (learner.patch, f"/api/v1/attempts/{number}/answers/"),
        (learner.post, f"/api/v1/attempts/{number}/submit/"),
        (teacher.post, f"/api/v1/responses/{number}/grade/"),
    ]
    for send, path in requests:
        data = {"answers": {}} if path.endswith("/answers/") else {}
        assert send(path, data, format="json").status_code == 404, path


def test_an_id_that_is_not_digits_is_a_404(instructor, quiz):
    api = client_for(instructor)

    assert api.get(f"/api/v1/quizzes/{quiz.pk}x/").status_code == 404
    assert api.get("/api/v1/quizzes/-1/").status_code == 404
    assert api.get(f"/api/v1/quizzes/{quiz.pk}/").status_code == 200



@pytest.mark.parametrize("path", ["courses/{}/", "lessons/{}/", "attempts/{}/", "attempts/{}/result/",
                                  "sessions/{}/screen/"])
def test_a_huge_id_is_a_404_on_the_web_pages_too(enrolled, path):
    from django.test import Client

    client = Client()
    client.force_login(enrolled)
    assert client.get("/" + path.format("9" * 23)).status_code == 404
