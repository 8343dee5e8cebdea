"""Scoring and grades: score submitted attempts, total them, grade the quiz, requeue lost ones.

Submitting stores an attempt as `submitted` and only after commit asks a worker
to score (at most twice a second, see `request_scoring`). Scoring takes
`submitted` rows in batches, locked and skipped by other workers, so a retried
task, a second worker or a sweep never scores twice. A periodic sweep
re-enqueues submitted attempts that were not scored in time.
"""

import json
import logging
from datetime import timedelta
from decimal import Decimal
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Notification, User
from accounts.notifications import notify
from accounts.queue import task
from courses import services as course_services
from courses.models import Enrollment
from quizzes import scoring
from quizzes.models import Attempt, Question, QuestionType, Quiz, Response
from quizzes.services.errors import QuizError
from quizzes.services.sql import SUBMITTED, read_json, db_table

logger = logging.getLogger(__name__)

SCORING_REQUESTED = "quiz-scoring-requested"  # cache key, set for a second by the first submit of that second


def request_scoring() -> None:
    """Ask a worker to score what was submitted; cheap enough for every submit.

    The first request of a second enqueues a task now and a trailing one for two
    seconds later; the requests after it within that second enqueue nothing, since
    the trailing task starts after they committed. A thousand submits a second
    cost the worker two tasks, not a thousand, and no submit waits for more than
    about two seconds. If Redis is down, the sweep enqueues later.
    """
    try:
        if cache.add(SCORING_REQUESTED, True, timeout=1):
            score_waiting = task("quizzes.tasks.score_waiting")
            score_waiting.delay()
            score_waiting.apply_async(countdown=2)
    except Exception:  # the broker or the cache is down: the attempt is stored, the sweep re-enqueues it
        logger.warning("Could not enqueue scoring; the sweep will retry", exc_info=True)


def enqueue_scoring(attempt_id: int) -> None:
    """Ask a worker to score this attempt (and whatever else waits); the sweep asks again if this fails."""
    try:
        task("quizzes.tasks.score_attempt").delay(attempt_id)
    except Exception:  # the broker is down: the attempt is stored, the sweep re-enqueues it
        logger.warning("Could not enqueue scoring of attempt %s; the sweep will retry", attempt_id, exc_info=True)


# Scoring and grading -------------------------------------------------------


def score_waiting() -> int:
    """Score every submitted attempt, batch after batch; how many this call scored."""
    scored = 0
    while batch := score_submitted():
        scored += len(batch)
    return scored


def score_attempt(attempt_id: int) -> bool:
    """Score the attempt if it still waits, with others waiting beside it; whether this call scored it."""
    return int(attempt_id) in score_submitted(first=int(attempt_id))


@transaction.atomic
def score_submitted(*, first: int | None = None, limit: int | None = None) -> set[int]:
    """Score up to `limit` (QUIZ_SCORING_BATCH) submitted attempts, `first` among them if it waits; their ids.

    The rows are locked and skipped by other workers (SKIP LOCKED), and only
    `submitted` ones are taken, so no attempt is ever scored twice. The writes are
    one COPY of every response and one update of every attempt, whatever the batch.
    One attempt that cannot be written does not hold the others back: the batch
    is then written again one attempt at a time, and that one is left for the sweep.
    """
    with connection.cursor() as cursor:
        cursor.execute(_sql_claim_submitted(), {"first": first or 0, "limit": limit or settings.QUIZ_SCORING_BATCH})
        claimed = cursor.fetchall()
    if not claimed:
        return set()
    if len(claimed) > 1:
        try:
            with transaction.atomic():
                _score_claimed(claimed)
            return {attempt_id for attempt_id, *_rest in claimed}
        except DatabaseError:
            pass  # one attempt spoils the batch: write them one by one, below
    scored = set()
    for row in claimed:
        try:
            with transaction.atomic():
                _score_claimed([row])
            scored.add(row[0])
        except DatabaseError:
            logger.exception("Attempt %s could not be scored; the sweep will try again.", row[0])
    return scored


def _score_claimed(claimed: list[tuple]) -> None:
    quizzes = Quiz.objects.select_related("course").in_bulk({quiz_id for _id, quiz_id, *_rest in claimed})
    claimed = [(attempt_id, quiz_id, user_id, read_json(questions), read_json(answers))
               for attempt_id, quiz_id, user_id, questions, answers in claimed]
    existing = _lock_questions({data["id"] for *_rest, questions, _answers in claimed for data in questions})
    responses, totals, graded = [], [], {}
    now = timezone.now()
    for attempt_id, quiz_id, user_id, questions, answers in claimed:
        results = []
        for position, data in enumerate(questions):
            answer = answers.get(str(data["id"]))
            results.append(result := _score_one(attempt_id, data, answer))
            responses.append((attempt_id, data["id"] if data["id"] in existing else None, position,
                              None if answer is None else json.dumps(answer),
                              result.fraction, result.points, result.max_points, result.feedback, ""))
        total = summarize(results, quizzes[quiz_id].pass_percent)
        totals.append((*total, now if total[0] == Attempt.Status.SCORED else None, attempt_id))
        if total[0] == Attempt.Status.SCORED:
            graded.setdefault(quiz_id, set()).add(user_id)
    _insert_responses(responses)
    with connection.cursor() as cursor:
        cursor.executemany(_sql_write_total(), [
            (status, score, max_score, percent, passed, connection.ops.adapt_datetimefield_value(scored_at), pk)
            for status, score, max_score, percent, passed, scored_at, pk in totals
        ])
    for quiz_id, user_ids in sorted(graded.items()):  # in quiz order, so enrolments are locked in one order
        apply_quiz_grades(quiz=quizzes[quiz_id], user_ids=user_ids)


def _score_one(attempt_id: int, data: dict, answer) -> scoring.Result:
    """The answer scored; a question the scorer cannot read is left to grade by hand rather than lost."""
    try:
        return scoring.score(data, answer)
    except Exception:
        logger.exception("Question %s of attempt %s could not be scored; it waits for grading.",
                         data.get("id"), attempt_id)
        try:
            max_points = Decimal(str(data.get("points")))
        except ArithmeticError:
            max_points = Decimal("0")
        return scoring.Result(None, None, max_points if max_points.is_finite() else Decimal("0"))


def _lock_questions(ids: set[int]) -> set[int]:
    """Which of these questions still exist, kept from deletion until the scores are written.

    A question deleted since the attempt started is scored from the attempt's copy;
    its responses just point at no question.
    """
    if not ids:
        return set()
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        # In id order, as delete_questions locks them: two lockers in different orders could deadlock.
        cursor.execute(f"SELECT id FROM {db_table(Question)} WHERE id IN ({', '.join(['%s'] * len(ids))}) "
                       f"ORDER BY id{lock}", list(ids))
        return {pk for (pk,) in cursor.fetchall()}


def _insert_responses(rows: list[tuple]) -> None:
    """Write responses given as tuples of RESPONSE_COLUMNS: COPY on PostgreSQL, else one executemany."""
    table, columns = db_table(Response), ", ".join(RESPONSE_COLUMNS)
    # COPY goes through psycopg's own cursor: its errors become Django's DatabaseError here as elsewhere.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(RESPONSE_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


RESPONSE_COLUMNS = ("attempt_id", "question_id", "position", "answer", "fraction", "points", "max_points", "feedback",
                    "comment")


def summarize(responses, pass_percent: Decimal) -> tuple:
    """(status, score, max score, percent, passed) of an attempt from its responses or scoring results."""
    max_score = sum((response.max_points for response in responses), Decimal("0"))
    if any(response.points is None for response in responses):
        return Attempt.Status.NEEDS_GRADING, None, max_score, None, None
    score = sum((response.points for response in responses), Decimal("0"))
    percent = (score / max_score * 100).quantize(Decimal("0.01")) if max_score else Decimal("0")
    return Attempt.Status.SCORED, score, max_score, percent, percent >= pass_percent


def store_total(attempt: Attempt, responses: list[Response]) -> None:
    """Sum the responses into one attempt; when nothing waits for grading, apply the quiz grade."""
    attempt.status, attempt.score, attempt.max_score, attempt.percent, attempt.passed = summarize(
        responses, attempt.quiz.pass_percent
    )
    if attempt.status == Attempt.Status.SCORED:
        attempt.scored_at = timezone.now()
    attempt.save(update_fields=["status", "score", "max_score", "percent", "passed", "scored_at"])
    if attempt.status == Attempt.Status.SCORED:
        apply_quiz_grades(quiz=attempt.quiz, user_ids=[attempt.user_id])


def grade_by_method(method: str, percents: list[Decimal]) -> Decimal:
    """The quiz grade from the percents of the scored attempts, in attempt order."""
    if method == Quiz.GradingMethod.FIRST:
        return percents[0]
    if method == Quiz.GradingMethod.LAST:
        return percents[-1]
    if method == Quiz.GradingMethod.AVERAGE:
        return (sum(percents, Decimal("0")) / len(percents)).quantize(Decimal("0.01"))
    return max(percents)


def quiz_grades(quiz: Quiz, user_ids) -> dict[int, Decimal]:
    """Each learner's percent on the quiz by its grading method; learners with no scored attempt are left out."""
    percents: dict[int, list[Decimal]] = {}
    # Only the attempts of the enrolment's current cycle: a renewal is passed anew.
    cycle = Enrollment.objects.filter(user=OuterRef("user"), course_id=quiz.course_id).values("cycle")[:1]
    for user_id, percent in (
        Attempt.objects.filter(quiz=quiz, user_id__in=list(user_ids), status=Attempt.Status.SCORED,
                               cycle=Coalesce(Subquery(cycle), 1))
        .order_by("number").values_list("user_id", "percent")
    ):
        percents.setdefault(user_id, []).append(percent)
    return {user_id: grade_by_method(quiz.grading_method, values) for user_id, values in percents.items()}


def quiz_grade(quiz: Quiz, user_id: int) -> Decimal | None:
    """The learner's percent on the quiz by its grading method; None before any scored attempt."""
    return quiz_grades(quiz, [user_id]).get(user_id)


def lock_enrollments(*, course_id: int, user_ids) -> None:
    """Lock these learners' enrolments in the course, in user order, until the transaction ends.

    A learner's pass is then decided by one transaction at a time: two workers
    scoring two of their attempts at once would each miss the other's, and the
    later write would undo the earlier. The same order everywhere rules out deadlocks.
    """
    list(Enrollment.objects.select_for_update().filter(course_id=course_id, user_id__in=list(user_ids))
         .order_by("user_id").values_list("pk", flat=True))


def apply_quiz_grades(*, quiz: Quiz, user_ids) -> None:
    """Tell the course who has passed every quiz that counts; it completes the enrolments whose rule now holds.

    Learners are told about once graded on this quiz; a quiz that does not count
    (practice) tells the course nothing.
    """
    if not quiz.counts_for_completion:
        return
    lock_enrollments(course_id=quiz.course_id, user_ids=user_ids)
    grades = quiz_grades(quiz, user_ids)
    if not grades:
        return
    passed = {user_id for user_id, grade in grades.items() if grade >= quiz.pass_percent}
    for other in Quiz.objects.filter(course_id=quiz.course_id, counts_for_completion=True).exclude(pk=quiz.pk):
        if not passed:
            break
        passed &= {user_id for user_id, grade in quiz_grades(other, passed).items() if grade >= other.pass_percent}
    course_services.record_quiz_results(course=quiz.course, results={user_id: user_id in passed for user_id in grades})


def takes_grade_by_hand(attempt: Attempt, response: Response) -> bool:
    """Whether an instructor may grade this answer: an essay, or an answer the scorer left without points.

    An answer the scorer marked keeps the points of its question's key: a grade by
    hand there would silently contradict the key and the item statistics. An
    answer the scorer could not read waits for a person (and may be graded again).
    """
    is_essay = attempt.questions[response.position]["type"] == QuestionType.ESSAY
    return is_essay or response.points is None or response.graded_by_id is not None


@transaction.atomic
def grade_response(*, actor: User, response: Response, points: Decimal, comment: str = "") -> Attempt:
    """An instructor's grade of an essay (see `takes_grade_by_hand`); the attempt is rescored."""
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=response.attempt_id)
    if attempt.status in (Attempt.Status.IN_PROGRESS, Attempt.Status.SUBMITTED):
        raise QuizError(_("The attempt is not scored yet."), status=409)
    was_waiting = attempt.status == Attempt.Status.NEEDS_GRADING
    response = Response.objects.get(pk=response.pk)
    if not takes_grade_by_hand(attempt, response):
        raise QuizError({"points": [_("Only essays are graded by hand; the other answers are scored by their key.")]})
    if not Decimal("0") <= points <= response.max_points:
        raise QuizError({"points": [_("Give between 0 and %(max)s points.") % {"max": response.max_points}]})
    response.points, response.comment = points, comment
    response.fraction = points / response.max_points if response.max_points else Decimal("0")
    response.graded_by, response.graded_at = actor, timezone.now()
    response.save(update_fields=["points", "comment", "fraction", "graded_by", "graded_at"])
    audit.record(actor=actor, action="quiz.response_graded", target=attempt,
                 changes={"response": response.pk, "points": str(points)})
    store_total(attempt, list(attempt.responses.all()))
    if was_waiting and attempt.status == Attempt.Status.SCORED:  # the last essay graded: the result is ready
        notify([attempt.user_id], Notification.Kind.GRADE, url=f"/attempts/{attempt.pk}/result/",
               quiz=attempt.quiz.title)
    return attempt


# The sweep -------------------------------------------------------------------


def requeue_unscored(now=None) -> int:
    """Enqueue again attempts submitted but not scored within a minute (a lost task, a flushed broker)."""
    now = now or timezone.now()
    stale = list(
        Attempt.objects.filter(
            status=Attempt.Status.SUBMITTED, scoring_enqueued_at__lt=now - timedelta(seconds=settings.QUIZ_RESCORE_AFTER_SECONDS)
        ).values_list("pk", flat=True)[:5000]
    )
    Attempt.objects.filter(pk__in=stale, status=Attempt.Status.SUBMITTED).update(scoring_enqueued_at=now)
    for pk in stale:
        enqueue_scoring(pk)
    return len(stale)


# The SQL of scoring ------------------------------------------------------------


@once
def _sql_claim_submitted() -> str:
    return (
        f"SELECT id, quiz_id, user_id, questions, answers FROM {db_table(Attempt)} WHERE status = '{SUBMITTED}' "
        "ORDER BY CASE WHEN id = %(first)s THEN 0 ELSE 1 END, id LIMIT %(limit)s"
        f"{' FOR UPDATE SKIP LOCKED' if connection.features.has_select_for_update_skip_locked else ''}"
    )


@once
def _sql_write_total() -> str:
    return (
        f"UPDATE {db_table(Attempt)} SET status = %s, score = %s, max_score = %s, percent = %s, passed = %s, "
        "scored_at = %s WHERE id = %s"
    )
