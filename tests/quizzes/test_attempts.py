from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Enrollment
from quizzes import services, snapshot
from quizzes.models import Attempt, Response
from tests.conftest import client_for
from tests.quizzes.conftest import make_quiz


def right_answers(started: dict) -> dict:
    """The right answer of each question of the demo bank, from what the learner was shown."""
    answers = {}
    for question in started["questions"]:
        kind, choices = question["type"], question.get("choices")
        if kind == "single":
            answers[question["id"]] = next(c["id"] for c in choices if c["text"] == "Sở Nội vụ")
        elif kind == "multiple":
            answers[question["id"]] = [c["id"] for c in choices if c["text"] != "Công chứng hợp đồng"]
        elif kind == "true_false":
            answers[question["id"]] = True
        elif kind == "short_answer":
            answers[question["id"]] = "cchc"
        elif kind == "numerical":
            answers[question["id"]] = 4
        elif kind == "matching":
            options = {o["text"]: o["id"] for o in choices["options"]}
            pairs = {"Mức 3": "Nộp hồ sơ trực tuyến", "Mức 4": "Toàn trình"}
            answers[question["id"]] = {str(i["id"]): options[pairs[i["text"]]] for i in choices["items"]}
    return answers


def test_a_learner_takes_the_quiz_start_to_result_and_completes_the_course(
    quiz, enrolled, course, django_capture_on_commit_callbacks
):
    course.completion_rule = "quiz"
    course.save()
    api = client_for(enrolled)
    started = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["status"] == "in_progress" and len(body["questions"]) == 6
    leaked = str(body["questions"])
    for secret in ("fraction", "feedback", "Đúng", "match_text", "Chưa đúng"):
        assert secret not in leaked

    answers = right_answers(body)
    first_half = dict(list(answers.items())[:3])
    assert api.patch(f"/api/v1/attempts/{body['id']}/answers/", {"answers": first_half}).status_code == 200
    rest = dict(list(answers.items())[3:])
    assert api.patch(f"/api/v1/attempts/{body['id']}/answers/", {"answers": rest}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        submitted = api.post(f"/api/v1/attempts/{body['id']}/submit/")
    assert submitted.status_code == 202 and submitted.json() == {"id": body["id"], "status": "submitted"}

    result = api.get(f"/api/v1/attempts/{body['id']}/").json()
    assert result["status"] == "scored"
    assert Decimal(result["score"]) == Decimal("6.00") and Decimal(result["percent"]) == 100 and result["passed"]
    assert all(Decimal(r["points"]) == Decimal(r["max_points"]) for r in result["responses"])
    assert Enrollment.objects.get(user=enrolled, course=course).status == "completed"


def test_starting_again_returns_the_attempt_in_progress(quiz, enrolled):
    api = client_for(enrolled)
    first = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    again = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["questions"] == again.json()["questions"]


def test_the_written_out_start_answer_is_what_its_declared_fields_give(course, bank, enrolled):
    from rest_framework import serializers

    from quizzes.serializers import StartedAttemptSerializer

    for quiz in (make_quiz(course, bank, time_limit_minutes=30), make_quiz(course, bank)):
        attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
        services.save_answers(attempt=attempt, answers={str(attempt.questions[0]["id"]): None})
        attempt = Attempt.objects.get(pk=attempt.pk)
        serializer = StartedAttemptSerializer(attempt)
        assert serializer.data == serializers.ModelSerializer.to_representation(serializer, attempt)


def test_an_answer_saved_again_replaces_the_old_one_and_null_clears_it(course, bank, enrolled):
    attempt, _created = services.start_attempt(user=enrolled, quiz=make_quiz(course, bank))
    questions = {data["type"]: data for data in attempt.questions}
    matching, single = questions["matching"], questions["single"]
    items = [choice["id"] for choice in matching["choices"] if choice["text"]]
    options = [option["id"] for option in snapshot.matching_options(matching)]
    key = str(matching["id"])
    services.save_answers(attempt=attempt, answers={key: {str(items[0]): options[0], str(items[1]): options[1]},
                                                    str(single["id"]): single["choices"][0]["id"]})
    services.save_answers(attempt=attempt, answers={key: {str(items[0]): options[1]}})
    assert Attempt.objects.get(pk=attempt.pk).answers == {
        key: {str(items[0]): options[1]}, str(single["id"]): single["choices"][0]["id"]}
    services.save_answers(attempt=attempt, answers={key: None})
    assert Attempt.objects.get(pk=attempt.pk).answers == {str(single["id"]): single["choices"][0]["id"]}


def test_a_missing_quiz_is_404(enrolled):
    assert client_for(enrolled).post("/api/v1/quizzes/999999/attempts/").status_code == 404


def test_a_learner_not_enrolled_cannot_start(quiz, outsider):
    assert client_for(outsider).post(f"/api/v1/quizzes/{quiz.pk}/attempts/").status_code == 404


def test_submitting_twice_scores_once(quiz, enrolled, django_capture_on_commit_callbacks):
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    api = client_for(enrolled)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = api.post(f"/api/v1/attempts/{attempt.pk}/submit/")
        second = api.post(f"/api/v1/attempts/{attempt.pk}/submit/")
    assert first.json() == second.json() and second.status_code == 202
    assert len(callbacks) == 1
    assert services.score_attempt(attempt.pk) is False, "a second scoring of the same attempt does nothing"
    assert Response.objects.filter(attempt=attempt).count() == 6


def test_answers_after_submission_or_deadline_get_409(quiz, enrolled):
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    api = client_for(enrolled)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    late = api.patch(f"/api/v1/attempts/{attempt.pk}/answers/", {"answers": {str(attempt.questions[0]["id"]): 1}})
    assert late.status_code == 409
    assert Attempt.objects.get(pk=attempt.pk).answers == {}
    api.post(f"/api/v1/attempts/{attempt.pk}/submit/")
    assert api.patch(f"/api/v1/attempts/{attempt.pk}/answers/", {"answers": {}}).status_code == 409


def test_the_deadline_is_the_earlier_of_the_limit_and_the_closing_time(course, bank, enrolled):
    closes = timezone.now() + timedelta(minutes=5)
    quiz = make_quiz(course, bank, time_limit_minutes=30, closes_at=closes)
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    assert attempt.deadline == closes


def test_bad_answers_are_a_400_naming_the_question(quiz, enrolled):
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    single = next(q for q in attempt.questions if q["type"] == "single")
    api = client_for(enrolled)
    response = api.patch(f"/api/v1/attempts/{attempt.pk}/answers/",
                         {"answers": {str(single["id"]): "not an id", "999999": 1}})
    assert response.status_code == 400
    assert set(response.json()) == {str(single["id"]), "999999"}
    assert response.json()[str(single["id"])] == ["Câu trả lời không phù hợp với câu hỏi loại một đáp án."]


def test_someone_elses_attempt_is_404(quiz, enrolled, outsider):
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    api = client_for(outsider)
    assert api.get(f"/api/v1/attempts/{attempt.pk}/").status_code == 404
    assert api.patch(f"/api/v1/attempts/{attempt.pk}/answers/", {"answers": {}}).status_code == 404
    assert api.post(f"/api/v1/attempts/{attempt.pk}/submit/").status_code == 404


def test_the_sweep_closes_expired_attempts_with_saved_answers(quiz, enrolled, django_capture_on_commit_callbacks):
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    single = next(q for q in attempt.questions if q["type"] == "single")
    services.save_answers(attempt=attempt, answers={str(single["id"]): single["choices"][0]["id"]})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_expired_attempts() == 1
    attempt.refresh_from_db()
    assert attempt.status == "scored" and attempt.score == Decimal("1.00")


def test_the_sweep_requeues_submitted_attempts_not_scored_in_time(quiz, enrolled):
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        status="submitted", submitted_at=timezone.now(), scoring_enqueued_at=timezone.now() - timedelta(minutes=2)
    )
    assert services.requeue_unscored() == 1
    assert Attempt.objects.get(pk=attempt.pk).status == "scored"


def test_max_attempts_and_closed_quizzes_are_409(course, bank, enrolled):
    quiz = make_quiz(course, bank, max_attempts=1)
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    services.submit_attempt(attempt=attempt)
    response = client_for(enrolled).post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert response.status_code == 409
    closed = make_quiz(course, bank, closes_at=timezone.now() - timedelta(minutes=1))
    assert client_for(enrolled).post(f"/api/v1/quizzes/{closed.pk}/attempts/").status_code == 409


@pytest.mark.parametrize("method,expected", [("highest", "100.00"), ("first", "0.00"), ("last", "50.00"),
                                             ("average", "50.00")])
def test_grading_methods(course, bank, enrolled, method, expected):
    quiz = make_quiz(course, bank, grading_method=method)
    for percent in ("0", "100", "50"):
        attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
        Attempt.objects.filter(pk=attempt.pk).update(status="scored", percent=Decimal(percent))
    assert services.quiz_grade(quiz, enrolled.pk) == Decimal(expected)


def test_quiz_times_outside_2000_to_2100_are_refused(quiz, instructor):
    response = client_for(instructor).patch(f"/api/v1/quizzes/{quiz.pk}/", {"opens_at": "0004-10-30T20:39:52Z"})
    assert response.status_code == 400 and "opens_at" in response.json()


def test_a_burst_of_submits_asks_the_worker_twice_a_second_not_once_each(
    quiz, course, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from courses import services as course_services
    from quizzes import tasks
    from tests.factories import UserFactory

    asked = []
    monkeypatch.setattr(tasks.score_waiting, "delay", lambda: asked.append("now"))
    monkeypatch.setattr(tasks.score_waiting, "apply_async", lambda countdown: asked.append(f"in {countdown} s"))
    attempts = []
    for person in UserFactory.create_batch(4):
        course_services.enroll(user=person, course=course)
        attempts.append(services.start_attempt(user=person, quiz=quiz)[0])
    for attempt in attempts[:3]:
        with django_capture_on_commit_callbacks(execute=True):
            services.submit_attempt(attempt=attempt)
    # The trailing task starts after the window in which the other two committed, so it sees them.
    assert asked == ["now", "in 2 s"]
    cache.delete(services.grading.SCORING_REQUESTED)  # the second is over
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_attempt(attempt=attempts[3])
    assert asked == ["now", "in 2 s", "now", "in 2 s"]
    assert services.score_waiting() == 4 and Attempt.objects.filter(status="scored").count() == 4
