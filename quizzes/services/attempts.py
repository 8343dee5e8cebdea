"""Quiz attempts: start, autosave, submit, score, grade, close at the deadline.

Database first, queue second: submitting stores the attempt as `submitted` and
only after commit asks a worker to score (at most twice a second, see
`request_scoring`). Scoring takes `submitted` rows in batches, locked and skipped
by other workers, so a retried task, a second worker or a sweep never scores
twice. A periodic sweep closes attempts past their deadline and re-enqueues
submitted attempts that were not scored in time.

Start, autosave and submit are the exam-day hot path: they run the fixed SQL
statements at the end of this module rather than ORM queries.
"""

import json
import logging
import random
from contextlib import nullcontext
from datetime import timedelta
from decimal import Decimal
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses import services as course_services
from courses.models import Enrollment
from quizzes import scoring, snapshot
from quizzes.models import Attempt, Question, QuestionBank, QuestionType, Quiz, Response

logger = logging.getLogger(__name__)

SCORING_REQUESTED = "quiz-scoring-requested"  # cache key, set for a second by the first submit of that second


class QuizError(Exception):
    """A request the quiz cannot honour now; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


# The question pool -------------------------------------------------------


def question_pool(quiz: Quiz, bank_version: int | None = None) -> list[dict]:
    """Every question the quiz draws from, as snapshot data; cached until the bank changes."""
    version = quiz.bank.version if bank_version is None else bank_version
    # ":2": pools cached before answers had public ids are not used again.
    key = f"quiz-pool:2:{quiz.pk}:{version}:{quiz.category_id}:{quiz.updated_at.timestamp()}"
    pool = cache.get(key)
    if pool is None:
        questions = Question.objects.filter(bank_id=quiz.bank_id).prefetch_related("choices").order_by("id")
        if quiz.category_id:
            questions = questions.filter(category_id=quiz.category_id)
        pool = [snapshot.question_data(question, question.choices.all()) for question in questions]
        cache.set(key, pool, timeout=3600)
    return pool


def draw(quiz: Quiz, pool: list[dict], rng: random.Random) -> list[dict]:
    chosen = list(pool)
    if quiz.question_count is not None and quiz.question_count < len(chosen):
        chosen = rng.sample(chosen, quiz.question_count)
        if not quiz.shuffle_questions:
            chosen.sort(key=lambda data: data["id"])
    elif quiz.shuffle_questions:
        rng.shuffle(chosen)
    return [snapshot.for_attempt(data, rng, quiz.shuffle_choices) for data in chosen]


# Starting, saving, submitting ---------------------------------------------


def start_attempt(*, user: User, quiz: Quiz) -> tuple[Attempt, bool]:
    """Start an attempt, or return the one in progress (and whether it is new).

    Fixes the questions, their order and the deadline once. Exam-day hot path:
    one statement reads the quiz (only `quiz.pk` is used), the enrolment and the
    learner's attempts, one inserts. Quiz.DoesNotExist when there is no such quiz.
    """
    now = timezone.now()
    quiz = next(iter(Quiz.objects.raw(_sql_quiz_for_learner(), {"quiz": quiz.pk, "user": user.pk})), None)
    if quiz is None:
        raise Quiz.DoesNotExist
    if quiz.open_attempt is not None:
        return Attempt.objects.get(pk=quiz.open_attempt), False
    if not quiz.enrolled:
        raise QuizError(_("Enrol in the course to take its quiz."), status=403)
    if not quiz.is_open(now):
        raise QuizError(_("The quiz is not open now."), status=409)
    if quiz.max_attempts is not None and quiz.attempts_used >= quiz.max_attempts:
        raise QuizError(_("You have used all the attempts allowed."), status=409)
    pool = question_pool(quiz, quiz.bank_version)
    if not pool:
        raise QuizError(_("The quiz has no questions yet."), status=409)
    attempt = Attempt(
        quiz=quiz, user=user, number=(quiz.last_number or 0) + 1, started_at=now,
        deadline=_deadline(quiz, now), questions=draw(quiz, pool, random.Random()),
    )
    try:
        # On its own the insert is atomic; inside a transaction a savepoint keeps it usable after a conflict.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            attempt.save(force_insert=True)
    except IntegrityError:
        # Two starts at once: the other one won; return its attempt.
        return Attempt.objects.get(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS), False
    return attempt, True


def _deadline(quiz: Quiz, now):
    candidates = []
    if quiz.time_limit_minutes:
        candidates.append(now + timedelta(minutes=quiz.time_limit_minutes))
    if quiz.closes_at:
        candidates.append(quiz.closes_at)
    return min(candidates) if candidates else None


def save_answers(*, attempt: Attempt, answers: dict, user: User | None = None) -> Attempt:
    """Merge answers into what was saved; refused once submitted or past the deadline.

    With `user`, only that person's attempt is found (Attempt.DoesNotExist otherwise).
    Exam-day hot path, no transaction: one read to check the answers against the
    questions, then one update that merges them in the database (so two saves at
    once both count) and only while the attempt is open and in time. An answer
    sent as null is removed: an empty answer is no answer.
    """
    params = {"id": attempt.pk, "user": user.pk if user else None, "cutoff": connection.ops.adapt_datetimefield_value(
        timezone.now() - timedelta(seconds=settings.QUIZ_DEADLINE_GRACE_SECONDS))}
    with connection.cursor() as cursor:
        cursor.execute(_sql_attempt_state(user is not None), params)
        row = cursor.fetchone()
        if row is None:
            raise Attempt.DoesNotExist
        attempt.status, expired, questions = row
        _refuse_if_closed(attempt.status, expired)
        attempt.questions = _json(questions)
        errors = answer_errors(attempt, answers)
        if errors:
            raise QuizError(errors, status=400)
        sent = {str(key): value for key, value in answers.items()}
        cursor.execute(_sql_merge_answers(user is not None), {
            **params, "sent": _json_value(sent), "cleared": _json_value(dict.fromkeys(sent)),
        })
        if not cursor.rowcount:  # submitted, or out of time, since the read
            cursor.execute(_sql_attempt_state(user is not None), params)
            attempt.status, expired, _questions = cursor.fetchone()
            _refuse_if_closed(attempt.status, expired)
    return attempt


def _refuse_if_closed(status: str, expired: bool) -> None:
    if status != Attempt.Status.IN_PROGRESS:
        raise QuizError(_("This attempt was already submitted."), status=409)
    if expired:
        raise QuizError(_("The time for this attempt is over; answers sent now are not saved."), status=409)


def answer_errors(attempt: Attempt, answers: dict) -> dict:
    by_id = {str(data["id"]): data for data in attempt.questions}
    errors = {}
    for key, value in answers.items():
        data = by_id.get(str(key))
        if data is None:
            errors[str(key)] = [_("This question is not part of the attempt.")]
        elif value is not None and not snapshot.answer_fits(data, value):
            kind = str(QuestionType(data["type"]).label).lower()
            errors[str(key)] = [_("This answer does not fit a %(type)s question.") % {"type": kind}]
    return errors


def submit_attempt(*, attempt: Attempt, user: User | None = None) -> Attempt:
    """Store the attempt as submitted, then enqueue its scoring. Submitting again changes nothing.

    With `user`, only that person's attempt is found (Attempt.DoesNotExist otherwise).
    Exam-day hot path: one conditional update; the status check makes it happen once.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_sql_submit(user is not None), {"id": attempt.pk, "user": user.pk if user else None, "now": now})
        if cursor.rowcount:
            transaction.on_commit(request_scoring, robust=True)
        elif not Attempt.objects.filter(pk=attempt.pk, **({"user": user} if user else {})).exists():
            raise Attempt.DoesNotExist
    return attempt


def request_scoring() -> None:
    """Ask a worker to score what was submitted; cheap enough for every submit.

    The first request of a second enqueues a task now and a trailing one for two
    seconds later; the requests after it within that second enqueue nothing, since
    the trailing task starts after they committed. A thousand submits a second
    cost the worker two tasks, not a thousand, and no submit waits for more than
    about two seconds. If Redis is down, the sweep enqueues later.
    """
    from quizzes.tasks import score_waiting

    try:
        if cache.add(SCORING_REQUESTED, True, timeout=1):
            score_waiting.delay()
            score_waiting.apply_async(countdown=2)
    except Exception:  # the broker or the cache is down: the attempt is stored, the sweep re-enqueues it
        logger.warning("Could not enqueue scoring; the sweep will retry", exc_info=True)


def enqueue_scoring(attempt_id: int) -> None:
    """Ask a worker to score this attempt (and whatever else waits); the sweep asks again if this fails."""
    from quizzes.tasks import score_attempt

    try:
        score_attempt.delay(attempt_id)
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
    try:
        with transaction.atomic():
            _score_claimed(claimed)
        return {attempt_id for attempt_id, *_rest in claimed}
    except DatabaseError:
        if len(claimed) == 1:
            logger.exception("Attempt %s could not be scored; the sweep will try again.", claimed[0][0])
            return set()
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
    claimed = [(attempt_id, quiz_id, user_id, _json(questions), _json(answers))
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
    for quiz_id, user_ids in graded.items():
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
        cursor.execute(f"SELECT id FROM {_table(Question)} WHERE id IN ({', '.join(['%s'] * len(ids))}){lock}",
                       list(ids))
        return {pk for (pk,) in cursor.fetchall()}


def _insert_responses(rows: list[tuple]) -> None:
    """Write responses given as tuples of RESPONSE_COLUMNS: COPY on PostgreSQL, else one executemany."""
    table, columns = _table(Response), ", ".join(RESPONSE_COLUMNS)
    with connection.cursor() as cursor:
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


def _total(attempt: Attempt, responses: list[Response]) -> None:
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
    for user_id, percent in (
        Attempt.objects.filter(quiz=quiz, user_id__in=list(user_ids), status=Attempt.Status.SCORED)
        .order_by("number").values_list("user_id", "percent")
    ):
        percents.setdefault(user_id, []).append(percent)
    return {user_id: grade_by_method(quiz.grading_method, values) for user_id, values in percents.items()}


def quiz_grade(quiz: Quiz, user_id: int) -> Decimal | None:
    """The learner's percent on the quiz by its grading method; None before any scored attempt."""
    return quiz_grades(quiz, [user_id]).get(user_id)


def apply_quiz_grades(*, quiz: Quiz, user_ids) -> None:
    """Tell the course who has passed every quiz that counts; it completes the enrolments whose rule now holds.

    Learners are told about once graded on this quiz; a quiz that does not count
    (practice) tells the course nothing.
    """
    if not quiz.counts_for_completion:
        return
    grades = quiz_grades(quiz, user_ids)
    if not grades:
        return
    passed = {user_id for user_id, grade in grades.items() if grade >= quiz.pass_percent}
    for other in Quiz.objects.filter(course_id=quiz.course_id, counts_for_completion=True).exclude(pk=quiz.pk):
        if not passed:
            break
        passed &= {user_id for user_id, grade in quiz_grades(other, passed).items() if grade >= other.pass_percent}
    course_services.record_quiz_results(course=quiz.course, results={user_id: user_id in passed for user_id in grades})


@transaction.atomic
def grade_response(*, actor: User, response: Response, points: Decimal, comment: str = "") -> Attempt:
    """An instructor's grade of an essay (or an override of any answer); the attempt is rescored."""
    from accounts import audit

    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=response.attempt_id)
    if attempt.status in (Attempt.Status.IN_PROGRESS, Attempt.Status.SUBMITTED):
        raise QuizError(_("The attempt is not scored yet."), status=409)
    if not Decimal("0") <= points <= response.max_points:
        raise QuizError({"points": [_("Give between 0 and %(max)s points.") % {"max": response.max_points}]})
    response = Response.objects.get(pk=response.pk)
    response.points, response.comment = points, comment
    response.fraction = points / response.max_points if response.max_points else Decimal("0")
    response.graded_by, response.graded_at = actor, timezone.now()
    response.save(update_fields=["points", "comment", "fraction", "graded_by", "graded_at"])
    audit.record(actor=actor, action="quiz.response_graded", target=attempt,
                 changes={"response": response.pk, "points": str(points)})
    _total(attempt, list(attempt.responses.all()))
    return attempt


# The sweep -------------------------------------------------------------------


def close_expired_attempts(now=None) -> int:
    """Submit attempts left open past their deadline, with the answers saved by then."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.QUIZ_DEADLINE_GRACE_SECONDS)
    closed = 0
    for pk in Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=now - grace).values_list(
        "pk", flat=True
    ):
        submit_attempt(attempt=Attempt(pk=pk))
        closed += 1
    return closed


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


# The SQL of the exam-day hot path ---------------------------------------------
# Fixed statements, built once per process: on this hardware building an ORM
# query costs more than running it, and these run thousands of times a minute.

IN_PROGRESS, SUBMITTED = Attempt.Status.IN_PROGRESS.value, Attempt.Status.SUBMITTED.value


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@once
def _sql_quiz_for_learner() -> str:
    mine = f"FROM {_table(Attempt)} a WHERE a.quiz_id = q.id AND a.user_id = %(user)s"
    return (
        f"SELECT q.*, b.version AS bank_version, "
        f"EXISTS (SELECT 1 FROM {_table(Enrollment)} e WHERE e.user_id = %(user)s AND e.course_id = q.course_id) "
        f"AS enrolled, (SELECT COUNT(*) {mine}) AS attempts_used, (SELECT MAX(a.number) {mine}) AS last_number, "
        f"(SELECT a.id {mine} AND a.status = '{IN_PROGRESS}') AS open_attempt "
        f"FROM {_table(Quiz)} q INNER JOIN {_table(QuestionBank)} b ON b.id = q.bank_id WHERE q.id = %(quiz)s"
    )


def _the_attempt(by_user: bool) -> str:
    return "id = %(id)s AND user_id = %(user)s" if by_user else "id = %(id)s"


def _open_and_in_time(by_user: bool) -> str:
    return f"{_the_attempt(by_user)} AND status = '{IN_PROGRESS}' AND (deadline IS NULL OR deadline >= %(cutoff)s)"


@once
def _sql_attempt_state(by_user: bool) -> str:
    return (
        f"SELECT status, deadline IS NOT NULL AND deadline < %(cutoff)s, questions FROM {_table(Attempt)} "
        f"WHERE {_the_attempt(by_user)}"
    )


@once
def _sql_merge_answers(by_user: bool) -> str:
    """Replace the answers of the questions in `sent`; those sent as null lose their answer."""
    if connection.vendor == "sqlite":  # json_patch merges nested objects: clear the questions first
        merged = "json_patch(json_patch(answers, %(cleared)s), %(sent)s)"
    else:
        merged = "jsonb_strip_nulls(answers || %(sent)s)"
    return f"UPDATE {_table(Attempt)} SET answers = {merged} WHERE {_open_and_in_time(by_user)}"


@once
def _sql_submit(by_user: bool) -> str:
    return (
        f"UPDATE {_table(Attempt)} SET status = '{SUBMITTED}', submitted_at = %(now)s, scoring_enqueued_at = %(now)s "
        f"WHERE {_the_attempt(by_user)} AND status = '{IN_PROGRESS}'"
    )


@once
def _sql_claim_submitted() -> str:
    return (
        f"SELECT id, quiz_id, user_id, questions, answers FROM {_table(Attempt)} WHERE status = '{SUBMITTED}' "
        "ORDER BY CASE WHEN id = %(first)s THEN 0 ELSE 1 END, id LIMIT %(limit)s"
        f"{' FOR UPDATE SKIP LOCKED' if connection.features.has_select_for_update_skip_locked else ''}"
    )


@once
def _sql_write_total() -> str:
    return (
        f"UPDATE {_table(Attempt)} SET status = %s, score = %s, max_score = %s, percent = %s, passed = %s, "
        "scored_at = %s WHERE id = %s"
    )


def _json(value):
    """A JSON column as read by a plain cursor: text on SQLite and (through Django) on PostgreSQL."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _json_value(value):
    return Attempt._meta.get_field("answers").get_db_prep_save(value, connection)
