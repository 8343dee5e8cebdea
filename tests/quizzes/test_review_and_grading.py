from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Job
from courses.models import Enrollment
from quizzes import services
from quizzes.formats import ParsedQuestion
from quizzes.models import Attempt, Choice, Question, Response
from tests.conftest import client_for
from tests.quizzes.conftest import make_quiz
from tests.quizzes.test_attempts import right_answers


def finished_attempt(quiz, learner, *, right=True):
    attempt, _created = services.start_attempt(user=learner, quiz=quiz)
    if right:
        services.save_answers(attempt=attempt, answers={str(k): v for k, v in right_answers(
            {"questions": [__import__("quizzes.snapshot", fromlist=["x"]).learner_view(q) for q in attempt.questions]}
        ).items()})
    services.submit_attempt(attempt=attempt)
    services.score_attempt(attempt.pk)
    return Attempt.objects.get(pk=attempt.pk)


SECRETS = ("points", "feedback", "correct_answer", "max_points")


@pytest.mark.parametrize("review,reveals", [("after_submit", True), ("never", False), ("after_close", False)])
def test_the_review_policy_decides_what_a_learner_sees(course, bank, enrolled, review, reveals):
    quiz = make_quiz(course, bank, review=review, closes_at=timezone.now() + timedelta(days=1))
    attempt = finished_attempt(quiz, enrolled)
    result = client_for(enrolled).get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert result["status"] == "scored" and result["percent"] == "100.00"
    for response in result["responses"]:
        assert all((key in response) == reveals for key in SECRETS)


def test_after_close_reveals_once_the_quiz_has_closed(course, bank, enrolled):
    quiz = make_quiz(course, bank, review="after_close", closes_at=timezone.now() + timedelta(days=1))
    attempt = finished_attempt(quiz, enrolled)
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()
    response = client_for(enrolled).get(f"/api/v1/attempts/{attempt.pk}/").json()["responses"][0]
    assert "correct_answer" in response


def test_instructors_always_see_everything_and_grade_essays(course, bank, enrolled, instructor):
    services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", "Trình bày ý kiến.", points=Decimal("4"))])
    course.completion_rule = "quiz"
    course.save()
    quiz = make_quiz(course, bank, review="never")
    attempt = finished_attempt(quiz, enrolled)
    assert attempt.status == "needs_grading" and attempt.score is None
    essay = Response.objects.get(attempt=attempt, max_points=4)
    api = client_for(instructor)
    seen = api.get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert all("points" in response for response in seen["responses"])
    assert seen["status"] == "needs_grading" and seen["max_score"] is None and seen["percent"] is None

    assert api.post(f"/api/v1/responses/{essay.pk}/grade/", {"points": "5"}).status_code == 400
    graded = api.post(f"/api/v1/responses/{essay.pk}/grade/", {"points": "3", "comment": "Khá tốt"})
    assert graded.status_code == 200, graded.content
    assert graded.json()["status"] == "scored" and graded.json()["score"] == "9.00"
    assert Enrollment.objects.get(user=enrolled, course=course).status == "completed"


def test_learners_cannot_grade(course, bank, enrolled):
    attempt = finished_attempt(make_quiz(course, bank), enrolled)
    response = attempt.responses.first()
    assert client_for(enrolled).post(f"/api/v1/responses/{response.pk}/grade/", {"points": 1}).status_code == 403


def test_editing_a_question_does_not_change_attempts_until_a_regrade(course, bank, enrolled, instructor,
                                                                     django_capture_on_commit_callbacks):
    quiz = make_quiz(course, bank)
    attempt = finished_attempt(quiz, enrolled)
    single = Question.objects.get(bank=bank, type="single")
    right, wrong = single.choices.get(text="Sở Nội vụ"), single.choices.get(text="Sở Tài chính")
    api = client_for(instructor)
    edited = api.put(f"/api/v1/questions/{single.pk}/", {
        "type": "single", "text": single.text, "answers": [
            {"id": right.pk, "text": right.text, "fraction": "0"},
            {"id": wrong.pk, "text": wrong.text, "fraction": "1"},
            {"text": "Sở Y tế", "fraction": "0"},
        ],
    }, format="json")
    assert edited.status_code == 200, edited.content
    assert Attempt.objects.get(pk=attempt.pk).score == Decimal("6.00"), "the edit alone changes nothing"

    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/api/v1/quizzes/{quiz.pk}/regrade/")
    assert started.status_code == 202
    job = api.get(f"/api/v1/jobs/{started.json()['job']}/").json()
    assert job["status"] == "done" and job["done"] == job["total"] == 1
    assert Attempt.objects.get(pk=attempt.pk).score == Decimal("5.00")
    assert Choice.objects.filter(question=single).count() == 3


def test_a_job_belongs_to_whoever_asked(course, bank, enrolled, instructor):
    job = Job.objects.create(owner=instructor, kind="x")
    assert client_for(enrolled).get(f"/api/v1/jobs/{job.pk}/").status_code == 404


def test_statistics_per_question(course, bank, enrolled, instructor, outsider):
    from courses import services as course_services

    quiz = make_quiz(course, bank)
    finished_attempt(quiz, enrolled, right=True)
    course_services.enroll(user=outsider, course=course)
    finished_attempt(quiz, outsider, right=False)
    stats = client_for(instructor).get(f"/api/v1/quizzes/{quiz.pk}/statistics/").json()
    assert stats["attempts"] == 2 and not stats["stale"]
    single = next(row for row in stats["questions"] if row["question"] == Question.objects.get(type="single").pk)
    assert single["attempts"] == 2 and single["facility"] == 0.5
    assert single["discrimination"] == 100.0
    assert sum(single["choices"].values()) == 1
    assert client_for(enrolled).get(f"/api/v1/quizzes/{quiz.pk}/statistics/").status_code == 403


def test_a_learner_downloads_their_attempts_with_their_personal_data(course, bank, enrolled):
    import json

    finished_attempt(make_quiz(course, bank), enrolled)
    data = json.loads(client_for(enrolled).get("/api/v1/me/data/").content)
    assert [item["status"] for item in data["quiz_attempts"]] == ["scored"]
    assert data["quiz_attempts"][0]["answers"]


def test_asking_twice_for_a_regrade_follows_the_same_job(quiz, instructor, django_capture_on_commit_callbacks):
    first = services.request_regrade(actor=instructor, quiz=quiz)
    second = services.request_regrade(actor=instructor, quiz=quiz)
    assert second == first and Job.objects.filter(kind="quiz.regrade").count() == 1
    Job.objects.filter(pk=first.pk).update(status=Job.Status.DONE)
    assert services.request_regrade(actor=instructor, quiz=quiz) != first, "a finished regrade may be run again"
