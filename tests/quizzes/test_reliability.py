"""Attempts that lose nothing, with a real worker, PostgreSQL and Redis (run by .ci/run)."""

import threading
import time

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from config.celery import app as celery_app
from quizzes import services
from quizzes.models import Attempt, Response
from quizzes.tasks import score_attempt
from tests.conftest import wait_for
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def submitted_attempts(quiz, count: int) -> list[int]:
    """`count` learners with a submitted attempt each, made in bulk."""
    from courses.models import Enrollment

    people = UserFactory.create_batch(count)
    Enrollment.objects.bulk_create(Enrollment(user=person, course=quiz.course) for person in people)
    template, _created = services.start_attempt(user=people[0], quiz=quiz)
    Attempt.objects.filter(pk=template.pk).delete()
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(quiz=quiz, user=person, status="submitted", submitted_at=now, scoring_enqueued_at=now,
                questions=template.questions, answers={str(q["id"]): None for q in template.questions})
        for person in people
    )
    return [attempt.pk for attempt in attempts]


def use_broker(url: str) -> None:
    """Point this process's Celery at another broker (kombu keeps one pool per broker address)."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def all_scored_once(ids: list[int], questions: int) -> bool:
    scored = Attempt.objects.filter(pk__in=ids, status="scored").count()
    return scored == len(ids) and Response.objects.filter(attempt_id__in=ids).count() == len(ids) * questions


def test_killing_the_worker_mid_scoring_loses_nothing_and_scores_nothing_twice(worker_factory, course, bank):
    quiz = make_quiz(course, bank)
    ids = submitted_attempts(quiz, 500)
    questions = len(Attempt.objects.get(pk=ids[0]).questions)
    for pk in ids:
        score_attempt.delay(pk)
    # Small batches, so that the kill lands in the middle of the work.
    worker = worker_factory(beat=True, QUIZ_SWEEP_SECONDS=2, QUIZ_RESCORE_AFTER_SECONDS=5,
                            CELERY_VISIBILITY_TIMEOUT=10, QUIZ_SCORING_BATCH=5).start()
    wait_for(lambda: Attempt.objects.filter(pk__in=ids, status="scored").count() >= 50, timeout=60,
             message="scoring to be under way")
    worker.kill()
    assert Attempt.objects.filter(pk__in=ids, status="submitted").exists(), "the kill came mid-way"
    worker.start()
    wait_for(lambda: all_scored_once(ids, questions), timeout=120, message="every attempt to be scored once")


def test_attempts_submitted_while_the_broker_is_down_are_scored_when_it_is_back(worker_factory, course, bank, client):
    """The web cannot reach Redis: submits are stored (202), then the sweep gets them scored."""
    quiz = make_quiz(course, bank)
    ids = submitted_attempts(quiz, 5)
    Attempt.objects.filter(pk__in=ids).update(status="in_progress", submitted_at=None, scoring_enqueued_at=None)
    original = celery_app.conf.broker_url
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        for attempt in Attempt.objects.filter(pk__in=ids).select_related("user"):
            services.submit_attempt(attempt=attempt, user=attempt.user)
    finally:
        use_broker(original)
    assert Attempt.objects.filter(pk__in=ids, status="submitted").count() == 5
    questions = len(Attempt.objects.get(pk=ids[0]).questions)
    worker_factory(beat=True, QUIZ_SWEEP_SECONDS=1, QUIZ_RESCORE_AFTER_SECONDS=2).start()
    wait_for(lambda: all_scored_once(ids, questions), timeout=60, message="the sweep to get them scored")


def test_a_flushed_broker_loses_no_attempt(worker_factory, course, bank):
    import redis
    from django.conf import settings

    quiz = make_quiz(course, bank)
    ids = submitted_attempts(quiz, 20)
    for pk in ids:
        score_attempt.delay(pk)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    questions = len(Attempt.objects.get(pk=ids[0]).questions)
    worker_factory(beat=True, QUIZ_SWEEP_SECONDS=1, QUIZ_RESCORE_AFTER_SECONDS=2).start()
    wait_for(lambda: all_scored_once(ids, questions), timeout=60, message="the sweep to re-enqueue and score")


def test_fifty_concurrent_submits_of_one_attempt_score_once(celery_worker_process, course, bank, learner):
    from courses import services as course_services

    course_services.enroll(user=learner, course=course)
    quiz = make_quiz(course, bank)
    attempt, _created = services.start_attempt(user=learner, quiz=quiz)
    barrier = threading.Barrier(50)
    errors = []

    def submit():
        try:
            barrier.wait()
            services.submit_attempt(attempt=Attempt(pk=attempt.pk), user=learner)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    wait_for(lambda: Attempt.objects.get(pk=attempt.pk).status == "scored", message="the one scoring")
    time.sleep(1)  # any second scoring would have landed by now
    assert Response.objects.filter(attempt=attempt).count() == len(attempt.questions)
    assert Attempt.objects.get(pk=attempt.pk).scored_at is not None


def test_a_burst_of_submits_is_scored_within_seconds_without_the_sweep(celery_worker_process, course, bank):
    """Submits a second apart and within one second: the leading and trailing tasks score them all."""
    quiz = make_quiz(course, bank)
    ids = submitted_attempts(quiz, 120)
    Attempt.objects.filter(pk__in=ids).update(status="in_progress", submitted_at=None, scoring_enqueued_at=None)
    questions = len(Attempt.objects.get(pk=ids[0]).questions)
    for pk in ids[:100]:
        services.submit_attempt(attempt=Attempt(pk=pk))
    time.sleep(1.2)  # a new window: these enqueue again
    for pk in ids[100:]:
        services.submit_attempt(attempt=Attempt(pk=pk))
    # The sweep is not running (no beat here), so only the submits' own requests can score them.
    wait_for(lambda: all_scored_once(ids, questions), timeout=20, message="every attempt to be scored")


def test_a_question_deleted_while_its_scores_are_written_waits_and_unlinks_them(course, bank, learner, monkeypatch):
    from courses import services as course_services
    from quizzes.models import Question
    from quizzes.services import grading

    course_services.enroll(user=learner, course=course)
    attempt, _created = services.start_attempt(user=learner, quiz=make_quiz(course, bank))
    Attempt.objects.filter(pk=attempt.pk).update(status="submitted", submitted_at=timezone.now())
    question = Question.objects.get(bank=bank, type="single")
    locked, outcome = threading.Event(), []

    def delete():
        locked.wait(timeout=10)
        try:
            services.delete_questions(questions=Question.objects.filter(pk=question.pk))
            outcome.append("deleted")
        except Exception as error:  # asserted below
            outcome.append(error)
        finally:
            connection.close()

    original = grading._lock_questions

    def lock_and_let_the_delete_come(ids):
        existing = original(ids)
        locked.set()
        time.sleep(0.5)  # the delete arrives while this batch still writes its responses
        return existing

    monkeypatch.setattr(grading, "_lock_questions", lock_and_let_the_delete_come)
    deleter = threading.Thread(target=delete)
    deleter.start()
    assert services.score_submitted() == {attempt.pk}
    deleter.join()
    assert outcome == ["deleted"]
    assert Response.objects.filter(attempt=attempt, question__isnull=True).count() == 1
    assert Attempt.objects.get(pk=attempt.pk).status == "scored"


def test_an_attempt_the_database_refuses_is_left_alone_and_the_rest_of_its_batch_is_scored(course, bank):
    quiz = make_quiz(course, bank)
    refused, *sound = submitted_attempts(quiz, 3)
    stored = Attempt.objects.get(pk=refused)
    stored.questions[0]["points"] = "100000000"  # more than a response's points can hold: the COPY fails
    Attempt.objects.filter(pk=refused).update(questions=stored.questions)

    assert services.score_submitted() == set(sound)

    assert Attempt.objects.get(pk=refused).status == "submitted", "left for the sweep, nothing half-written"
    assert not Response.objects.filter(attempt_id=refused).exists()
    assert all_scored_once(sound, len(stored.questions))


def test_two_counting_quizzes_scored_at_once_complete_the_course(course, bank, learner, monkeypatch):
    """Each scoring sees the other's pass: the second waits on the enrolment lock until the first commits."""
    from courses import services as course_services
    from courses.models import Enrollment
    from quizzes.services import grading
    from tests.quizzes.test_keys_and_bad_data import submitted

    course.completion_rule = "quiz"
    course.save()
    course_services.enroll(user=learner, course=course)
    midterm, final = make_quiz(course, bank, title="Giữa khoá"), make_quiz(course, bank, title="Cuối khoá")
    first, second = submitted(midterm, learner), submitted(final, learner)
    both_written = threading.Barrier(2, timeout=10)
    original = grading.lock_enrollments

    def when_both_have_written(**kwargs):
        both_written.wait()  # neither has committed yet
        original(**kwargs)

    monkeypatch.setattr(grading, "lock_enrollments", when_both_have_written)
    scored = []

    def score(attempt_id):
        try:
            scored.append(services.score_submitted(first=attempt_id, limit=1))
        finally:
            connection.close()

    threads = [threading.Thread(target=score, args=(pk,)) for pk in (first.pk, second.pk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(scored, key=min) == [{first.pk}, {second.pk}]
    assert Enrollment.objects.get(user=learner, course=course).status == "completed"
