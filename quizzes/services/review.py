"""Regrading and the review policy of quizzes."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import Job, User
from accounts.queue import task
from quizzes import scoring, snapshot
from quizzes.models import Attempt, Question, Quiz, Response
from quizzes.services.grading import lock_enrollments, store_total
from quizzes.services.item_statistics import JOB_REUSE

REGRADE_CHUNK = 100
REGRADE_JOB = "quiz.regrade"


@transaction.atomic
def request_regrade(*, actor: User, quiz: Quiz) -> Job:
    """Start a regrade of the quiz's attempts with the questions' current keys; returns its job.

    While the caller's last regrade of this quiz is still under way, asking again returns that one.

    Finished attempts are scored again; open and waiting ones only take the new
    keys, so that they are scored with them.
    """
    running = Job.objects.unfinished(owner=actor, kind=REGRADE_JOB, within=JOB_REUSE, quiz=quiz.pk).first()
    if running is not None:  # asked twice: one regrade is enough
        return running
    total = quiz.attempts.count()
    job = Job.objects.create(owner=actor, kind=REGRADE_JOB, total=total, parameters={"quiz": quiz.pk})
    audit.record(actor=actor, action="quiz.regrade_requested", target=quiz, changes={"attempts": total})
    transaction.on_commit(lambda: task("quizzes.tasks.regrade_quiz").delay(job.pk), robust=True)
    return job


def run_regrade(job_id: int) -> None:
    """Rescore attempts in chunks, each in its own transaction; a rerun skips attempts already done."""
    job = Job.objects.get(pk=job_id)
    quiz = Quiz.objects.get(pk=job.parameters["quiz"])
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    started = job.created_at
    current = {q.pk: snapshot.question_data(q, q.choices.all(), with_pk=True)
               for q in Question.objects.filter(bank_id=quiz.bank_id).prefetch_related("choices")}
    ids = list(quiz.attempts.exclude(scored_at__gte=started).values_list("pk", flat=True))
    for start in range(0, len(ids), REGRADE_CHUNK):
        with transaction.atomic():
            # Locked, a waiting attempt cannot be scored with the old keys meanwhile (the scorer skips it).
            attempts = list(Attempt.objects.select_for_update().select_related("quiz").filter(
                pk__in=ids[start:start + REGRADE_CHUNK]
            ))
            lock_enrollments(course_id=quiz.course_id, user_ids={attempt.user_id for attempt in attempts})
            for attempt in attempts:
                if attempt.status in (Attempt.Status.SCORED, Attempt.Status.NEEDS_GRADING):
                    regrade_attempt(attempt, current)
                else:
                    refresh_keys(attempt, current)
        Job.objects.filter(pk=job.pk).update(done=min(len(ids), start + REGRADE_CHUNK) + job.total - len(ids))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, done=job.total, updated_at=timezone.now())


def refresh_keys(attempt: Attempt, current: dict[int, dict]) -> None:
    """Give the attempt the current keys; only its `questions` are written, so autosaves meanwhile stay."""
    attempt.questions = [snapshot.refresh_key(data, current.get(data["id"])) for data in attempt.questions]
    attempt.save(update_fields=["questions"])


def regrade_attempt(attempt: Attempt, current: dict[int, dict]) -> None:
    refresh_keys(attempt, current)
    responses = {response.position: response for response in attempt.responses.all()}
    for position, data in enumerate(attempt.questions):
        response = responses[position]
        if data["type"] == "essay" or response.graded_by_id:
            # A grade given by hand stays; only its maximum follows the question.
            response.max_points = Decimal(data["points"])
            continue
        result = scoring.score(data, response.answer)
        response.fraction, response.points, response.max_points = result.fraction, result.points, result.max_points
        response.feedback = result.feedback
    Response.objects.bulk_update(responses.values(), ["fraction", "points", "max_points", "feedback"])
    attempt.status = Attempt.Status.SUBMITTED  # store_total decides between scored and needs_grading again
    store_total(attempt, list(responses.values()))


def review_allowed(attempt: Attempt, now=None) -> bool:
    """Whether the learner may see per-question points, feedback and right answers now."""
    return attempt.status == Attempt.Status.SCORED and _policy_allows(attempt.quiz, now)


def marks_allowed(attempt: Attempt, now=None) -> bool:
    """Whether the learner may see the points of the questions scored so far, while essays wait for a grade.

    The same review policy as `review_allowed`, applied from the moment the
    automatic questions are scored; feedback and right answers still wait for the whole result.
    """
    waiting_or_scored = (Attempt.Status.NEEDS_GRADING, Attempt.Status.SCORED)
    return attempt.status in waiting_or_scored and _policy_allows(attempt.quiz, now)


def _policy_allows(quiz: Quiz, now=None) -> bool:
    if quiz.review == Quiz.Review.AFTER_SUBMIT:
        return True
    if quiz.review == Quiz.Review.AFTER_CLOSE:
        return quiz.is_closed(now)
    return False
