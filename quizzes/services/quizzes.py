"""Creating a quiz and changing its settings: the API, the teaching pages and the admin share these rules."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from courses.access import teaches
from courses.models import Course
from quizzes.models import Quiz

# What a person sets on a quiz; `course` only when it is created (or moved by the API).
QUIZ_FIELDS = (
    "title", "bank", "category", "question_count", "time_limit_minutes", "max_attempts", "grading_method",
    "pass_percent", "shuffle_questions", "shuffle_choices", "review", "counts_for_completion", "opens_at", "closes_at",
    "layout",
)


@transaction.atomic
def create_quiz(*, actor: User, course: Course, **fields) -> Quiz:
    """A quiz of `course` drawn from one of its banks. Raises ValidationError naming the field at fault."""
    _require_teacher(actor, course)
    quiz = Quiz(course=course, **_only(fields))
    quiz.full_clean()
    quiz.save()
    audit.record(actor=actor, action="quiz.created", target=quiz, changes={"course": course.pk})
    return quiz


@transaction.atomic
def update_quiz(*, actor: User, quiz: Quiz, **fields) -> Quiz:
    """Changes the settings given; what is left out stays. Raises ValidationError naming the field at fault."""
    _require_teacher(actor, quiz.course)
    changes = _only(fields)
    if "course" in fields and fields["course"] != quiz.course:
        _require_teacher(actor, fields["course"])
        changes["course"] = fields["course"]
    for field, value in changes.items():
        setattr(quiz, field, value)
    quiz.full_clean()
    quiz.save()
    audit.record(actor=actor, action="quiz.updated", target=quiz, changes={"fields": sorted(changes)})
    return quiz


def _require_teacher(actor: User, course: Course) -> None:
    if not teaches(actor, course):
        raise PermissionDenied(_("Only the course's instructors can do this."))


def _only(fields: dict) -> dict:
    unknown = set(fields) - set(QUIZ_FIELDS) - {"course"}
    if unknown:
        raise TypeError(f"Not a quiz setting: {', '.join(sorted(unknown))}")
    return {field: value for field, value in fields.items() if field in QUIZ_FIELDS}
