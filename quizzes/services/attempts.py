"""Quiz attempts: start, autosave, submit, score, grade, close at the deadline.

Database first, queue second: submitting stores the attempt as `submitted` and
only after commit asks a worker to score it. Scoring locks the attempt row and
does nothing unless it is still `submitted`, so a retried task, a second worker
or a sweep never scores twice. A periodic sweep closes attempts past their
deadline and re-enqueues submitted attempts that were not scored in time.
"""

import logging
import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses import services as course_services
from courses.models import Enrollment
from quizzes import scoring, snapshot
from quizzes.models import Attempt, Question, Quiz, Response

logger = logging.getLogger(__name__)


class QuizError(Exception):
    """A request the quiz cannot honour now; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


# The question pool -------------------------------------------------------


def question_pool(quiz: Quiz) -> list[dict]:
    """Every question the quiz draws from, as snapshot data; cached until the bank changes."""
    key = f"quiz-pool:{quiz.pk}:{quiz.bank.version}:{quiz.category_id}:{quiz.updated_at.timestamp()}"
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

    Fixes the questions, their order and the deadline once.
    """
    now = timezone.now()
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user).only("id", "number", "status"))
    for attempt in attempts:
        if attempt.status == Attempt.Status.IN_PROGRESS:
            return Attempt.objects.get(pk=attempt.pk), False
    if not Enrollment.objects.filter(user=user, course_id=quiz.course_id).exists():
        raise QuizError(_("Enrol in the course to take its quiz."), status=403)
    if not quiz.is_open(now):
        raise QuizError(_("The quiz is not open now."), status=409)
    if quiz.max_attempts is not None and len(attempts) >= quiz.max_attempts:
        raise QuizError(_("You have used all the attempts allowed."), status=409)
    pool = question_pool(quiz)
    if not pool:
        raise QuizError(_("The quiz has no questions yet."), status=409)
    attempt = Attempt(
        quiz=quiz, user=user, number=max((a.number for a in attempts), default=0) + 1, started_at=now,
        deadline=_deadline(quiz, now), questions=draw(quiz, pool, random.Random()),
    )
    try:
        with transaction.atomic():
            attempt.save()
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


@transaction.atomic
def save_answers(*, attempt: Attempt, answers: dict, user: User | None = None) -> Attempt:
    """Merge answers into what was saved; refused once submitted or past the deadline.

    With `user`, only that person's attempt is found (Attempt.DoesNotExist otherwise).
    """
    attempt = _locked(attempt.pk, user)
    if not attempt.is_open:
        raise QuizError(_("This attempt was already submitted."), status=409)
    if attempt.past_deadline(timezone.now() - timedelta(seconds=settings.QUIZ_DEADLINE_GRACE_SECONDS)):
        raise QuizError(_("The time for this attempt is over; answers sent now are not saved."), status=409)
    errors = answer_errors(attempt, answers)
    if errors:
        raise QuizError(errors, status=400)
    attempt.answers = {**attempt.answers, **{str(key): value for key, value in answers.items()}}
    attempt.save(update_fields=["answers"])
    return attempt


def answer_errors(attempt: Attempt, answers: dict) -> dict:
    by_id = {str(data["id"]): data for data in attempt.questions}
    errors = {}
    for key, value in answers.items():
        data = by_id.get(str(key))
        if data is None:
            errors[str(key)] = [_("This question is not part of the attempt.")]
        elif value is not None and not snapshot.answer_fits(data, value):
            errors[str(key)] = [_("This answer does not fit a %(type)s question.") % {"type": data["type"]}]
    return errors


def submit_attempt(*, attempt: Attempt, user: User | None = None) -> Attempt:
    """Store the attempt as submitted, then enqueue its scoring. Submitting again changes nothing."""
    with transaction.atomic():
        attempt = _locked(attempt.pk, user)
        if attempt.is_open:
            _mark_submitted(attempt)
            transaction.on_commit(lambda: enqueue_scoring(attempt.pk), robust=True)
    return attempt


def _locked(attempt_id: int, user: User | None) -> Attempt:
    attempts = Attempt.objects.select_for_update()
    return attempts.get(pk=attempt_id) if user is None else attempts.get(pk=attempt_id, user=user)


def _mark_submitted(attempt: Attempt) -> None:
    now = timezone.now()
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = now
    attempt.scoring_enqueued_at = now
    attempt.save(update_fields=["status", "submitted_at", "scoring_enqueued_at"])


def enqueue_scoring(attempt_id: int) -> None:
    """Ask a worker to score; if the broker is down the sweep asks again later."""
    from quizzes.tasks import score_attempt

    try:
        score_attempt.delay(attempt_id)
    except Exception:  # the broker is down: the attempt is stored, the sweep re-enqueues it
        logger.warning("Could not enqueue scoring of attempt %s; the sweep will retry", attempt_id, exc_info=True)


# Scoring and grading -------------------------------------------------------


@transaction.atomic
def score_attempt(attempt_id: int) -> bool:
    """Score a submitted attempt exactly once; returns whether this call scored it."""
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("quiz").filter(pk=attempt_id).first()
    if attempt is None or attempt.status != Attempt.Status.SUBMITTED:
        return False
    responses = []
    for position, data in enumerate(attempt.questions):
        answer = attempt.answers.get(str(data["id"]))
        result = scoring.score(data, answer)
        responses.append(Response(
            attempt=attempt, question_id=data["id"], position=position, answer=answer, fraction=result.fraction,
            points=result.points, max_points=result.max_points, feedback=result.feedback,
        ))
    Response.objects.bulk_create(responses)
    _total(attempt, responses)
    return True


def _total(attempt: Attempt, responses: list[Response]) -> None:
    """Sum the responses into the attempt; when nothing waits for grading, apply the quiz grade."""
    attempt.max_score = sum((response.max_points for response in responses), Decimal("0"))
    if any(response.points is None for response in responses):
        attempt.status = Attempt.Status.NEEDS_GRADING
        attempt.score = attempt.percent = attempt.passed = None
    else:
        attempt.status = Attempt.Status.SCORED
        attempt.score = sum((response.points for response in responses), Decimal("0"))
        attempt.percent = (
            (attempt.score / attempt.max_score * 100).quantize(Decimal("0.01")) if attempt.max_score else Decimal("0")
        )
        attempt.passed = attempt.percent >= attempt.quiz.pass_percent
        attempt.scored_at = timezone.now()
    attempt.save(update_fields=["status", "score", "max_score", "percent", "passed", "scored_at"])
    if attempt.status == Attempt.Status.SCORED:
        apply_quiz_grade(quiz=attempt.quiz, user_id=attempt.user_id)


def quiz_grade(quiz: Quiz, user_id: int) -> Decimal | None:
    """The learner's percent on the quiz by its grading method; None before any scored attempt."""
    scored = list(
        Attempt.objects.filter(quiz=quiz, user_id=user_id, status=Attempt.Status.SCORED)
        .order_by("number").values_list("percent", flat=True)
    )
    if not scored:
        return None
    method = quiz.grading_method
    if method == Quiz.GradingMethod.FIRST:
        return scored[0]
    if method == Quiz.GradingMethod.LAST:
        return scored[-1]
    if method == Quiz.GradingMethod.AVERAGE:
        return (sum(scored, Decimal("0")) / len(scored)).quantize(Decimal("0.01"))
    return max(scored)


def apply_quiz_grade(*, quiz: Quiz, user_id: int) -> None:
    """Tell the course whether the learner passed; it completes the enrolment when its rule holds."""
    grade = quiz_grade(quiz, user_id)
    if grade is not None:
        course_services.record_quiz_result(user_id=user_id, course_id=quiz.course_id, passed=grade >= quiz.pass_percent)


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
