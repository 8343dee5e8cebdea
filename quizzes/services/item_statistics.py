"""Item statistics of a quiz: computed from every scored attempt, within the request when that is quick.

The figures are stored (QuizStatistics) with the number of scored attempts they
count and the time they were computed; they are stale once an attempt is scored,
graded or regraded after that time, or the number of scored attempts differs.
"""

import logging
from datetime import timedelta
from functools import cache as once

from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts.models import Job, User
from accounts.queue import task
from quizzes.models import Attempt, Choice, QuestionType, Quiz, QuizStatistics, Response
from quizzes.services.sql import db_table
from quizzes.statistics import Moments, choice_counts, question_statistics

logger = logging.getLogger(__name__)

# Statistics of up to this many scored responses are recomputed within the request:
# 60,000 (2,000 attempts x 30 questions) take about 0.1-0.25 s on PostgreSQL
# (bench/quiz_statistics.py); more go to a job.
INLINE_STATISTICS_RESPONSES = 100_000
STATISTICS_JOB = "quiz.statistics"
STATISTICS_JOB_REUSE = JOB_REUSE = timedelta(minutes=10)  # an unfinished job older than this is taken as lost
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)


def quiz_statistics(*, actor: User, quiz: Quiz) -> QuizStatistics:
    """The quiz's item statistics, counting every attempt scored so far whenever that is quick to ensure.

    Figures older than the latest scoring are recomputed within the request when
    at most INLINE_STATISTICS_RESPONSES responses are to be read; beyond that a job
    recomputes them, and the last figures come back marked `stale`, with the `job`
    to poll. Attempts waiting for an essay grade count once graded.
    """
    stats = QuizStatistics.objects.filter(quiz=quiz).first() or QuizStatistics(quiz=quiz)
    stale, job = False, None
    if not _up_to_date(stats):
        scored = Response.objects.filter(attempt__quiz=quiz, attempt__status=Attempt.Status.SCORED)
        if scored.count() <= INLINE_STATISTICS_RESPONSES:
            stats = compute_statistics(quiz)
        else:
            stale, job = True, request_statistics(actor=actor, quiz=quiz).pk
    stats.stale, stats.job = stale, job
    return stats


def _up_to_date(stats: QuizStatistics) -> bool:
    """Whether the figures count every scored attempt: none scored (or graded, regraded) since, none more or fewer.

    The count also catches an attempt scored just before the figures were computed
    but committed after they were read.
    """
    if stats.computed_at is None:
        return False
    scored = Attempt.objects.filter(quiz_id=stats.quiz_id, status=Attempt.Status.SCORED).aggregate(
        count=Count("pk"), latest=Max("scored_at"))
    return scored["count"] == stats.attempts and (scored["latest"] is None or scored["latest"] <= stats.computed_at)


def request_statistics(*, actor: User, quiz: Quiz) -> Job:
    """A job that recomputes the quiz's statistics: the caller's unfinished one if there is one, else a new one."""
    job = Job.objects.unfinished(owner=actor, kind=STATISTICS_JOB, within=STATISTICS_JOB_REUSE, quiz=quiz.pk).first()
    if job is None:
        job = Job.objects.create(owner=actor, kind=STATISTICS_JOB, total=1, parameters={"quiz": quiz.pk})
        transaction.on_commit(lambda: _enqueue_statistics(job))
    return job


def _enqueue_statistics(job: Job) -> None:
    try:
        task("quizzes.tasks.statistics_job").delay(job.pk)
    except Exception:  # the broker is down: the last figures stay, marked stale; the next request asks again
        logger.warning("Could not enqueue the statistics of quiz %s", job.parameters["quiz"], exc_info=True)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error="broker unavailable",
                                             updated_at=timezone.now())


def run_statistics_job(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, updated_at=timezone.now())
    compute_statistics(Quiz.objects.get(pk=job.parameters["quiz"]))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, done=1, updated_at=timezone.now())


def compute_statistics(quiz: Quiz) -> QuizStatistics:
    """Item statistics from every scored attempt (Moodle's facility and discrimination indices), stored.

    The database does the sums: one statement gives each question's count, mean
    and sums of deviations (and the number of scored attempts, from the same
    snapshot), another how often each answer was chosen.
    """
    started = timezone.now()  # an attempt scored after this makes the figures stale
    with connection.cursor() as cursor:
        cursor.execute(_sql_moments(), {"quiz": quiz.pk, "scored": Attempt.Status.SCORED.value})
        rows = cursor.fetchall()
    attempts = rows[0][1] if rows else 0
    choices = _choice_counts(quiz)
    questions = [
        question_statistics(question_id, Moments(count, float(mean_x), float(co), float(dev_x), float(dev_y)),
                            choices.get(question_id, {}))
        for question_id, _attempts, count, mean_x, co, dev_x, dev_y in rows
    ]
    stats, _created = QuizStatistics.objects.update_or_create(
        quiz=quiz, defaults={"attempts": attempts, "questions": questions, "computed_at": started},
    )
    return stats


def _choice_counts(quiz: Quiz) -> dict[int, dict[str, int]]:
    """Per question, how often each answer was chosen, under the choices' database ids."""
    answers: dict[int, list] = {}
    types = {}
    for question_id, question_type, answer, times in (
        Response.objects.filter(attempt__quiz=quiz, attempt__status=Attempt.Status.SCORED,
                                question__type__in=CHOICE_TYPES)
        .values_list("question_id", "question__type", "answer").annotate(times=Count("pk")).order_by()
    ):
        types[question_id] = question_type
        answers.setdefault(question_id, []).append((answer, times))
    # Learners answer with public ids; instructors know answers by their database ids.
    database_ids = {(question_id, public_id): pk for pk, question_id, public_id in
                    Choice.objects.filter(question_id__in=list(answers)).values_list("pk", "question_id", "public_id")}
    return {
        question_id: choice_counts(types[question_id], [
            (_by_database_id(answer, question_id, database_ids), times) for answer, times in given
        ])
        for question_id, given in answers.items()
    }


def _by_database_id(answer, question_id: int, database_ids: dict):
    def one(value):
        return database_ids.get((question_id, value), value) if isinstance(value, int) else value

    return [one(value) for value in answer] if isinstance(answer, list) else one(answer)


@once
def _sql_moments() -> str:
    """Per question: the scored attempts (all questions alike), count, mean fraction and sums of deviations.

    x is the fraction scored, y the rest of the attempt's score. Two passes (the
    means, then the deviations from them) keep the sums exact enough to tell a
    question everyone scored alike from one that discriminates a little.
    """
    attempt, response = db_table(Attempt), db_table(Response)
    return f"""
        WITH item AS (
            SELECT r.question_id AS question,
                   CASE WHEN r.max_points > 0
                        THEN CAST(r.points AS DOUBLE PRECISION) / CAST(r.max_points AS DOUBLE PRECISION)
                        ELSE 0 END AS x,
                   CAST(a.score - r.points AS DOUBLE PRECISION) AS y
            FROM {response} r INNER JOIN {attempt} a ON a.id = r.attempt_id
            WHERE a.quiz_id = %(quiz)s AND a.status = %(scored)s AND r.question_id IS NOT NULL
        ), mean AS (
            SELECT question, AVG(x) AS mean_x, AVG(y) AS mean_y FROM item GROUP BY question
        )
        SELECT item.question,
               (SELECT COUNT(*) FROM {attempt} WHERE quiz_id = %(quiz)s AND status = %(scored)s),
               COUNT(*), mean.mean_x, SUM((x - mean.mean_x) * (y - mean.mean_y)),
               SUM((x - mean.mean_x) * (x - mean.mean_x)), SUM((y - mean.mean_y) * (y - mean.mean_y))
        FROM item INNER JOIN mean ON mean.question = item.question
        GROUP BY item.question, mean.mean_x
        ORDER BY item.question
    """
