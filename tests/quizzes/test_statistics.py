"""Quiz statistics count every scored attempt on the first read, computed within the request when that is quick."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Job
from config.celery import app as celery_app
from courses import services as course_services
from quizzes import services, tasks
from quizzes.formats import ParsedQuestion
from quizzes.models import Attempt, Question, QuizStatistics
from quizzes.services import item_statistics
from quizzes.statistics import Moments, correlation
from tests.conftest import client_for, wait_for
from tests.factories import UserFactory
from tests.quizzes.test_review_and_grading import finished_attempt


def statistics_of(quiz, person) -> dict:
    answer = client_for(person).get(f"/api/v1/quizzes/{quiz.pk}/statistics/")
    assert answer.status_code == 200, answer.content
    return answer.json()


@pytest.fixture
def no_queue(monkeypatch):
    """Tasks neither run in-process nor reach a broker: whatever the GET does, it does itself."""
    celery_app.conf.task_always_eager = False
    enqueued = []
    for task in (tasks.compute_statistics, tasks.statistics_job):
        monkeypatch.setattr(task, "delay", lambda *args, name=task.name: enqueued.append((name, args)))
    return enqueued


def test_the_first_read_after_scoring_counts_every_scored_attempt(quiz, course, enrolled, outsider, instructor,
                                                                   no_queue):
    finished_attempt(quiz, enrolled, right=True)
    course_services.enroll(user=outsider, course=course)
    finished_attempt(quiz, outsider, right=False)

    stats = statistics_of(quiz, instructor)

    assert stats["attempts"] == 2 and stats["stale"] is False and stats["job"] is None
    single = next(row for row in stats["questions"] if row["question"] == Question.objects.get(type="single").pk)
    assert single["attempts"] == 2 and single["facility"] == 0.5 and single["discrimination"] == 100.0
    assert no_queue == []


def test_an_attempt_scored_after_a_read_is_counted_by_the_next(quiz, course, enrolled, outsider, instructor, no_queue):
    finished_attempt(quiz, enrolled)
    assert statistics_of(quiz, instructor)["attempts"] == 1
    course_services.enroll(user=outsider, course=course)
    finished_attempt(quiz, outsider)
    assert statistics_of(quiz, instructor)["attempts"] == 2


def test_an_attempt_committed_after_a_read_but_scored_before_it_is_counted(quiz, course, enrolled, outsider,
                                                                           instructor, no_queue):
    """A worker's batch takes its time before the write, then commits after figures were computed."""
    finished_attempt(quiz, enrolled)
    assert statistics_of(quiz, instructor)["attempts"] == 1
    course_services.enroll(user=outsider, course=course)
    late = finished_attempt(quiz, outsider)
    Attempt.objects.filter(pk=late.pk).update(scored_at=QuizStatistics.objects.get(quiz=quiz).computed_at
                                              - timedelta(seconds=2))
    assert statistics_of(quiz, instructor)["attempts"] == 2


def test_a_read_with_nothing_new_computes_nothing(quiz, enrolled, instructor, no_queue, django_assert_num_queries):
    finished_attempt(quiz, enrolled)
    statistics_of(quiz, instructor)
    # The quiz, its course, whether the caller teaches it, the stored figures, the count of scored attempts.
    with django_assert_num_queries(5):
        assert statistics_of(quiz, instructor)["attempts"] == 1


def test_an_attempt_waiting_for_an_essay_grade_counts_once_graded(quiz, bank, enrolled, instructor, no_queue):
    services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", "Trình bày ý kiến.", points=Decimal("4"))])
    attempt = finished_attempt(quiz, enrolled)
    assert attempt.status == "needs_grading"
    assert statistics_of(quiz, instructor)["attempts"] == 0

    essay = attempt.responses.get(points__isnull=True)
    client_for(instructor).post(f"/api/v1/responses/{essay.pk}/grade/", {"points": "3"})

    stats = statistics_of(quiz, instructor)
    assert stats["attempts"] == 1
    essay_row = next(row for row in stats["questions"] if row["question"] == essay.question_id)
    assert essay_row["facility"] == 0.75


def test_a_quiz_too_big_to_count_in_the_request_gives_the_last_figures_and_a_job(
    quiz, course, enrolled, outsider, instructor, monkeypatch, django_capture_on_commit_callbacks
):
    finished_attempt(quiz, enrolled)
    statistics_of(quiz, instructor)
    course_services.enroll(user=outsider, course=course)
    finished_attempt(quiz, outsider)
    monkeypatch.setattr(item_statistics, "INLINE_STATISTICS_RESPONSES", 0)

    with django_capture_on_commit_callbacks(execute=True):  # the job runs at once: tasks are eager here
        stale = statistics_of(quiz, instructor)

    assert stale["stale"] is True and stale["attempts"] == 1 and stale["job"]
    job = client_for(instructor).get(f"/api/v1/jobs/{stale['job']}/").json()
    assert job["status"] == "done" and job["done"] == job["total"] == 1
    fresh = statistics_of(quiz, instructor)
    assert fresh["stale"] is False and fresh["attempts"] == 2 and fresh["job"] is None


def test_polling_a_big_quiz_reuses_the_job_under_way(quiz, enrolled, instructor, monkeypatch, no_queue,
                                                     django_capture_on_commit_callbacks):
    finished_attempt(quiz, enrolled)
    monkeypatch.setattr(item_statistics, "INLINE_STATISTICS_RESPONSES", 0)
    with django_capture_on_commit_callbacks(execute=True):
        first = statistics_of(quiz, instructor)["job"]
        second = statistics_of(quiz, instructor)["job"]
    assert first == second and no_queue == [(tasks.statistics_job.name, (first,))]
    assert Job.objects.get(pk=first).status == "pending"


def test_a_job_lost_long_ago_is_replaced(quiz, enrolled, instructor, monkeypatch, no_queue,
                                         django_capture_on_commit_callbacks):
    finished_attempt(quiz, enrolled)
    monkeypatch.setattr(item_statistics, "INLINE_STATISTICS_RESPONSES", 0)
    with django_capture_on_commit_callbacks(execute=True):
        lost = statistics_of(quiz, instructor)["job"]
    Job.objects.filter(pk=lost).update(created_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert statistics_of(quiz, instructor)["job"] != lost


def test_a_question_everyone_scored_alike_has_no_discrimination():
    alike = Moments(count=3, mean_x=0.1, co_deviation=1e-34, deviation_x=3e-34, deviation_y=2.0)
    assert correlation(alike) is None
    slightly = Moments(count=1000, mean_x=0.9999, co_deviation=0.001, deviation_x=0.0001, deviation_y=50.0)
    assert correlation(slightly) is not None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_attempts_scored_by_a_real_worker_are_in_the_first_read(celery_worker_process, quiz, course, instructor):
    from tests.quizzes.test_attempts import right_answers

    people = UserFactory.create_batch(5)
    for person in people:
        course_services.enroll(user=person, course=course)
        api = client_for(person)
        started = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
        answers = right_answers(started) if person != people[0] else {}
        assert api.patch(f"/api/v1/attempts/{started['id']}/answers/", {"answers": answers},
                         format="json").status_code == 200
        assert api.post(f"/api/v1/attempts/{started['id']}/submit/").status_code == 202
    wait_for(lambda: Attempt.objects.filter(quiz=quiz, status="scored").count() == 5, timeout=60,
             message="the worker to score the attempts")

    stats = statistics_of(quiz, instructor)

    assert stats["attempts"] == 5 and stats["stale"] is False
    single = next(row for row in stats["questions"] if row["question"] == Question.objects.get(type="single").pk)
    assert single["attempts"] == 5 and single["facility"] == 0.8
