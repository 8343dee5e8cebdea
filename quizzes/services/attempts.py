"""Quiz attempts: start, autosave, submit, close at the deadline.

Database first, queue second: submitting stores the attempt as `submitted` and
only after commit asks a worker to score (see `grading.request_scoring`). A
periodic sweep closes attempts past their deadline.

Start, autosave and submit are the exam-day hot path: they run the fixed SQL
statements at the end of this module rather than ORM queries.
"""

import random
from contextlib import nullcontext
from datetime import timedelta
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Enrollment
from quizzes import snapshot
from quizzes.models import Attempt, Question, QuestionBank, QuestionType, Quiz
from quizzes.services.errors import QuizError
from quizzes.services.grading import request_scoring
from quizzes.services.sql import IN_PROGRESS, SUBMITTED, read_json, db_table


# The question pool -------------------------------------------------------


def question_pool(quiz: Quiz, bank_version: int | None = None) -> list[dict]:
    """Every question the quiz draws from, as snapshot data; cached until the bank changes."""
    version = quiz.bank.version if bank_version is None else bank_version
    # ":3": pools cached before answers had public ids are not used again.
    key = f"quiz-pool:3:{quiz.pk}:{version}:{quiz.category_id}:{quiz.updated_at.timestamp()}"
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
        quiz=quiz, user=user, number=(quiz.last_number or 0) + 1, cycle=quiz.enrolled_cycle or 1, started_at=now,
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
        attempt.questions = read_json(questions)
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


# The SQL of the exam-day hot path ---------------------------------------------
# Fixed statements, built once per process: on this hardware building an ORM
# query costs more than running it, and these run thousands of times a minute.


@once
def _sql_quiz_for_learner() -> str:
    mine = f"FROM {db_table(Attempt)} a WHERE a.quiz_id = q.id AND a.user_id = %(user)s"
    cycle = f"(SELECT e.cycle FROM {db_table(Enrollment)} e WHERE e.user_id = %(user)s AND e.course_id = q.course_id)"
    return (
        f"SELECT q.*, b.version AS bank_version, {cycle} AS enrolled_cycle, "
        f"EXISTS (SELECT 1 FROM {db_table(Enrollment)} e WHERE e.user_id = %(user)s AND e.course_id = q.course_id) "
        f"AS enrolled, (SELECT COUNT(*) {mine} AND a.cycle = {cycle}) AS attempts_used, "
        f"(SELECT MAX(a.number) {mine}) AS last_number, "
        f"(SELECT a.id {mine} AND a.status = '{IN_PROGRESS}') AS open_attempt "
        f"FROM {db_table(Quiz)} q INNER JOIN {db_table(QuestionBank)} b ON b.id = q.bank_id WHERE q.id = %(quiz)s"
    )


def _the_attempt(by_user: bool) -> str:
    return "id = %(id)s AND user_id = %(user)s" if by_user else "id = %(id)s"


def _open_and_in_time(by_user: bool) -> str:
    return f"{_the_attempt(by_user)} AND status = '{IN_PROGRESS}' AND (deadline IS NULL OR deadline >= %(cutoff)s)"


@once
def _sql_attempt_state(by_user: bool) -> str:
    return (
        f"SELECT status, deadline IS NOT NULL AND deadline < %(cutoff)s, questions FROM {db_table(Attempt)} "
        f"WHERE {_the_attempt(by_user)}"
    )


@once
def _sql_merge_answers(by_user: bool) -> str:
    """Replace the answers of the questions in `sent`; those sent as null lose their answer."""
    if connection.vendor == "sqlite":  # json_patch merges nested objects: clear the questions first
        merged = "json_patch(json_patch(answers, %(cleared)s), %(sent)s)"
    else:
        merged = "jsonb_strip_nulls(answers || %(sent)s)"
    return f"UPDATE {db_table(Attempt)} SET answers = {merged} WHERE {_open_and_in_time(by_user)}"


@once
def _sql_submit(by_user: bool) -> str:
    return (
        f"UPDATE {db_table(Attempt)} SET status = '{SUBMITTED}', submitted_at = %(now)s, scoring_enqueued_at = %(now)s "
        f"WHERE {_the_attempt(by_user)} AND status = '{IN_PROGRESS}'"
    )


def _json_value(value):
    return Attempt._meta.get_field("answers").get_db_prep_save(value, connection)
