"""What people do with courses: author, publish, enrol, assign, learn, complete."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, FilteredRelation, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts import services as account_services
from accounts.models import Notification, OrgUnit, User
from accounts.notifications import notify
from accounts.scope import scope_q
from certificates import services as certificate_services
from courses.content import check_lesson_file, clean_html
from courses.models import Assignment, Course, Enrollment, Lesson, LessonProgress, Module

COURSE_FIELDS = ("code", "title", "topic", "summary", "hours", "completion_rule", "certificate_template",
                 "certificate_validity_months")
LESSON_FIELDS = ("title", "kind", "body", "url", "file", "estimated_minutes")
REMINDER_INTERVAL = timedelta(hours=24)


# Authoring ---------------------------------------------------------------


@transaction.atomic
def create_course(
    *, actor: User | None, code: str, title: str, instructors: Iterable[User] = (), **fields
) -> Course:
    """A draft course; its author is its first instructor. A code taken meanwhile is a ValidationError on `code`."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on after the refusal
            course = Course.objects.create(code=code, title=title, **_only(fields, COURSE_FIELDS))
    except IntegrityError:
        if not Course.objects.filter(code=code).exists():
            raise
        raise ValidationError({"code": [_("A course with this code already exists.")]}) from None
    if actor is not None:
        course.instructors.add(actor)
    course.instructors.add(*instructors)
    audit.record(actor=actor, action="course.created", target=course, changes={"code": code})
    return course


@transaction.atomic
def update_course(*, actor: User, course: Course, instructors: Iterable[User] | None = None, **fields) -> Course:
    for field, value in _only(fields, COURSE_FIELDS).items():
        setattr(course, field, value)
    course.save()
    if instructors is not None:
        course.instructors.set(instructors)
    return course


@transaction.atomic
def publish_course(*, actor: User, course: Course) -> Course:
    if not Lesson.objects.filter(module__course=course).exists():
        raise ValidationError({"detail": [_("Add at least one lesson before publishing the course.")]})
    if course.status != Course.Status.PUBLISHED:
        course.status = Course.Status.PUBLISHED
        course.published_at = course.published_at or timezone.now()
        course.save(update_fields=["status", "published_at", "updated_at"])
        audit.record(actor=actor, action="course.published", target=course)
    return course


@transaction.atomic
def archive_course(*, actor: User, course: Course) -> Course:
    """Hide the course from the catalogue; people already enrolled keep it."""
    course.status = Course.Status.ARCHIVED
    course.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="course.archived", target=course)
    return course


@transaction.atomic
def add_module(*, course: Course, title: str) -> Module:
    Course.objects.select_for_update().filter(pk=course.pk).first()
    return Module.objects.create(course=course, title=title, position=_next_position(course.modules))


@transaction.atomic
def add_lesson(*, module: Module, title: str, kind: str = Lesson.Kind.TEXT, **fields) -> Lesson:
    Module.objects.select_for_update().filter(pk=module.pk).first()
    lesson = Lesson(module=module, title=title, kind=kind, position=_next_position(module.lessons))
    _apply_lesson_fields(lesson, fields)
    lesson.save()
    return lesson


@transaction.atomic
def update_lesson(*, lesson: Lesson, **fields) -> Lesson:
    _apply_lesson_fields(lesson, fields)
    lesson.save()
    return lesson


def _apply_lesson_fields(lesson: Lesson, fields: dict) -> None:
    fields = _only(fields, LESSON_FIELDS)
    if "body" in fields:
        fields["body"] = clean_html(fields["body"] or "")
    for field, value in fields.items():
        setattr(lesson, field, value)
    check_lesson(lesson, new_file=fields.get("file"))


def check_lesson(lesson: Lesson, *, new_file=None) -> None:
    """What a lesson of its kind needs, and what a new file must be; the admin's form asks it before saving, too."""
    if new_file:
        check_lesson_file(new_file)
    kind = lesson.kind
    if kind in (Lesson.Kind.VIDEO, Lesson.Kind.LINK) and not lesson.url:
        raise ValidationError({"url": [_("A video or link lesson needs an address.")]})
    if kind == Lesson.Kind.FILE and not lesson.file:
        raise ValidationError({"file": [_("A file lesson needs a file.")]})


@transaction.atomic
def reorder_modules(*, course: Course, module_ids: list[int]) -> None:
    _reorder(Module.objects.filter(course=course), module_ids)


@transaction.atomic
def reorder_lessons(*, module: Module, lesson_ids: list[int]) -> None:
    _reorder(Lesson.objects.filter(module=module), lesson_ids)


def _reorder(queryset, ids: list[int]) -> None:
    items = {item.pk: item for item in queryset.select_for_update()}
    if sorted(ids) != sorted(items) or len(set(ids)) != len(ids):
        raise ValidationError({"order": [_("Give every item of the list exactly once.")]})
    for position, pk in enumerate(ids):
        items[pk].position = position
    queryset.model.objects.bulk_update(items.values(), ["position"])


@transaction.atomic
def rename_module(*, module: Module, title: str) -> Module:
    module.title = title
    module.save(update_fields=["title"])
    return module


@transaction.atomic
def delete_module(*, actor: User, module: Module) -> None:
    """Remove a module and its lessons, unless a learner has done one of them: their progress stays."""
    if LessonProgress.objects.filter(lesson__module=module).exists():
        raise ValidationError({"detail": [_("Learners have done lessons of this module; it cannot be deleted.")]})
    audit.record(actor=actor, action="course.module_deleted", target=module.course,
                 changes={"module": module.title, "lessons": module.lessons.count()})
    module.delete()


@transaction.atomic
def delete_lesson(*, actor: User, lesson: Lesson) -> None:
    """Remove a lesson, unless a learner has done it: their progress stays."""
    if LessonProgress.objects.filter(lesson=lesson).exists():
        raise ValidationError({"detail": [_("Learners have done this lesson; it cannot be deleted.")]})
    audit.record(actor=actor, action="course.lesson_deleted", target=lesson.module.course,
                 changes={"lesson": lesson.title})
    lesson.delete()


@transaction.atomic
def move_module(*, module: Module, step: int) -> None:
    """One place earlier (`step` -1) or later (+1) in its course; at either end it stays where it is."""
    _move(Module.objects.filter(course_id=module.course_id), module.pk, step)


@transaction.atomic
def move_lesson(*, lesson: Lesson, step: int) -> None:
    """One place earlier (`step` -1) or later (+1) in its module; at either end it stays where it is."""
    _move(Lesson.objects.filter(module_id=lesson.module_id), lesson.pk, step)


def _move(queryset, pk: int, step: int) -> None:
    ids = list(queryset.select_for_update().order_by("position", "id").values_list("pk", flat=True))
    index = ids.index(pk)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(ids):
        return
    ids[index], ids[other] = ids[other], ids[index]
    _reorder(queryset, ids)


@transaction.atomic
def copy_course(*, actor: User, course: Course, code: str, title: str | None = None) -> Course:
    """A new draft with the same modules and lessons; files are shared, not duplicated."""
    copy = create_course(
        actor=actor, code=code, title=title or course.title,
        **{field: getattr(course, field) for field in COURSE_FIELDS if field not in ("code", "title")},
    )
    for module in course.modules.prefetch_related("lessons"):
        new_module = Module.objects.create(course=copy, title=module.title, position=module.position)
        Lesson.objects.bulk_create(
            Lesson(module=new_module, **{field: getattr(lesson, field) for field in (*LESSON_FIELDS, "position")})
            for lesson in module.lessons.all()
        )
    audit.record(actor=actor, action="course.copied", target=copy, changes={"from": course.code})
    return copy


def _next_position(related) -> int:
    highest = related.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


def _only(fields: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    return fields


# Enrolment ---------------------------------------------------------------


@transaction.atomic
def enroll(*, user: User, course: Course, source: str = Enrollment.Source.SELF) -> Enrollment:
    """Enrol a person; enrolling again returns the enrolment they have."""
    if source == Enrollment.Source.SELF and not course.is_published:
        raise ValidationError({"detail": [_("This course is not open for enrolment.")]})
    enrollment, _created = Enrollment.objects.get_or_create(user=user, course=course, defaults={"source": source})
    return enrollment


@transaction.atomic
def enroll_people(*, actor: User, course: Course, users: Iterable[User]) -> int:
    """An instructor enrols people by hand; returns how many were new."""
    user_ids = {user.pk for user in users}
    new = len(_create_enrollments(course, user_ids, source=Enrollment.Source.INSTRUCTOR))
    audit.record(actor=actor, action="course.people_enrolled", target=course, changes={"enrolled": new})
    return new


@transaction.atomic
def assign_course(*, actor: User, course: Course, org_unit: OrgUnit, due_date: date) -> int:
    """Make a course mandatory for a unit and everything under it; returns how many were newly enrolled.

    Assigning again changes the due date and enrols only people not enrolled yet.
    People already enrolled of their own accord become mandatory with the due date.
    """
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": [_("The due date is in the past.")]})
    if not course.is_published:
        raise ValidationError({"course": [_("Only a published course can be assigned.")]})
    account_services.check_takes_new_members(org_unit, "org_unit")
    Course.objects.select_for_update().filter(pk=course.pk).first()
    assignment, _created = Assignment.objects.update_or_create(
        course=course, org_unit=org_unit, defaults={"due_date": due_date, "assigned_by": actor}
    )
    people = set(
        User.objects.filter(org_unit.subtree_q("org_unit__path"), is_active=True).values_list("pk", flat=True)
    )
    enrolled = _create_enrollments(course, people, source=Enrollment.Source.ASSIGNMENT, assignment=assignment)
    notify(enrolled, Notification.Kind.ASSIGNMENT, url=course_url(course), course=course.title, due_date=due_date)
    new = len(enrolled)
    Enrollment.objects.filter(course=course, user_id__in=people, status=Enrollment.Status.ENROLLED).filter(
        Q(assignment__isnull=True) | Q(assignment=assignment)
    ).update(assignment=assignment, mandatory=True, due_date=due_date)
    audit.record(
        actor=actor, action="course.assigned", target=assignment,
        changes={"course": course.code, "org_unit": org_unit.code, "due_date": due_date.isoformat(), "enrolled": new},
    )
    return new


@transaction.atomic
def remind_assignment(*, actor: User, assignment: Assignment) -> int:
    """Remind everyone enrolled through this assignment who has not completed it; returns how many.

    Once a day at most: a second reminder within REMINDER_INTERVAL is a ValidationError.
    """
    assignment = Assignment.objects.select_for_update().select_related("course").get(pk=assignment.pk)
    now = timezone.now()
    if assignment.reminded_at is not None and now - assignment.reminded_at < REMINDER_INTERVAL:
        raise ValidationError({"detail": [_("A reminder for this assignment was sent less than 24 hours ago.")]})
    # Only those the officer answers for: who moved out of their units since is no longer theirs to remind.
    people = list(assignment.enrollments.filter(scope_q(actor, "user__org_unit__path"),
                                                status=Enrollment.Status.ENROLLED, user__is_active=True)
                  .values_list("user_id", flat=True))
    notify(people, Notification.Kind.REMINDER, url=course_url(assignment.course),
           course=assignment.course.title, due_date=assignment.due_date)
    assignment.reminded_at = now
    assignment.save(update_fields=["reminded_at", "updated_at"])
    audit.record(actor=actor, action="course.assignment_reminded", target=assignment,
                 changes={"course": assignment.course.code, "reminded": len(people)})
    return len(people)


def course_url(course: Course) -> str:
    """The course's page on the site, where a notice about it leads."""
    return f"/courses/{course.pk}/"


def assignment_preview(*, course: Course, org_unit: OrgUnit) -> dict:
    """What `assign_course` would do now, counted without doing it: two queries, whatever the subtree's size.

    - `people`: the active people of the unit and of the units under it;
    - `new`: those it would enrol (not enrolled in the course yet);
    - `enrolled`: those enrolled already, `completed` of whom have finished the course;
    - `assignment`: the course's assignment to this unit, if it has one: assigning again changes its due date.
    """
    figures = (
        User.objects.filter(org_unit.subtree_q("org_unit__path"), is_active=True)
        .annotate(this_course=FilteredRelation("enrollments", condition=Q(enrollments__course=course)))
        .aggregate(people=Count("pk"), enrolled=Count("this_course"),
                   completed=Count("this_course", filter=Q(this_course__status=Enrollment.Status.COMPLETED)))
    )
    assignment = Assignment.objects.filter(course=course, org_unit=org_unit).first()
    return {**figures, "new": figures["people"] - figures["enrolled"], "assignment": assignment}


@transaction.atomic
def change_due_date(*, actor: User, assignment: Assignment, due_date: date) -> int:
    """Move an assignment's due date, and that of the enrolments it made which are not completed yet.

    Returns how many enrolments got the new date; completed ones keep theirs, as history, and so do those of
    people who have moved out of the actor's units since (no longer theirs to set).
    """
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": [_("The due date is in the past.")]})
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    before = locked.due_date
    locked.due_date = due_date
    locked.save(update_fields=["due_date", "updated_at"])
    moved = Enrollment.objects.filter(scope_q(actor, "user__org_unit__path"), assignment=locked,
                                      status=Enrollment.Status.ENROLLED).update(
        due_date=due_date, updated_at=timezone.now()
    )
    audit.record(actor=actor, action="course.assignment_due_date_changed", target=locked,
                 changes={"due_date": [before.isoformat(), due_date.isoformat()], "enrolments": moved})
    assignment.due_date, assignment.updated_at = locked.due_date, locked.updated_at
    return moved


def _create_enrollments(
    course: Course, user_ids: set[int], *, source: str, assignment: Assignment | None = None
) -> list[int]:
    """Enrol those of these people not enrolled yet; returns their ids."""
    existing = set(Enrollment.objects.filter(course=course, user_id__in=user_ids).values_list("user_id", flat=True))
    new_ids = sorted(user_ids - existing)
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                user_id=user_id, course=course, source=source, assignment=assignment,
                mandatory=assignment is not None, due_date=assignment.due_date if assignment else None,
            )
            for user_id in new_ids
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return new_ids


@transaction.atomic
def enroll_by_assignments(user_ids: Iterable[int]) -> int:
    """Enrol people who joined or moved into a unit in the courses assigned to it or to a unit above it.

    Called by accounts (through `settings.PERSON_PLACED_HANDLERS`) after people are
    created, imported or moved. Returns how many enrolments were made.
    """
    people = dict(User.objects.filter(pk__in=list(user_ids), is_active=True, org_unit__isnull=False)
                  .values_list("pk", "org_unit__path"))
    if not people:
        return 0
    new = 0
    # People who join after the due date are enrolled too, and show as overdue.
    for assignment in Assignment.objects.select_related("course", "org_unit").filter(
        course__status=Course.Status.PUBLISHED
    ):
        inside = {pk for pk, path in people.items() if path.startswith(assignment.org_unit.path)}
        if inside:
            enrolled = _create_enrollments(assignment.course, inside, source=Enrollment.Source.ASSIGNMENT,
                                           assignment=assignment)
            if enrolled:  # a newcomer learns of their mandatory courses as those assigned them did
                notify(enrolled, Notification.Kind.ASSIGNMENT, url=course_url(assignment.course),
                       course=assignment.course.title, due_date=assignment.due_date)
            new += len(enrolled)
    return new


@transaction.atomic
def move_assignments(old_unit_id: int, new_unit_id: int) -> int:
    """The courses assigned to a unit that was merged or dissolved now hold for its successor.

    Called by accounts (through `settings.ORG_UNIT_MERGED_HANDLERS`) once the unit's
    people and sub-units are under the successor; a dissolved unit's successors are its
    sub-units, one call each. The successor gets the old unit's assignment of each
    course it had none of, with the same due date; where it had one, its own stays as
    it is (those who answer for the successor set its date). The enrolments of the
    people now under the successor that came from the old unit's assignments point at
    the successor's; each keeps its own due date, as a reorganisation moves no
    deadline. The old assignments stay, as history. Returns how many the successor gained.
    Four statements, whatever the number of people.
    """
    successor = OrgUnit.objects.get(pk=new_unit_id)
    held = Assignment.objects.filter(org_unit=successor).values("course_id")
    gained = Assignment.objects.bulk_create([
        Assignment(course_id=course_id, org_unit=successor, due_date=due_date, assigned_by_id=assigned_by_id)
        for course_id, due_date, assigned_by_id in Assignment.objects.filter(org_unit_id=old_unit_id)
        .exclude(course_id__in=held).values_list("course_id", "due_date", "assigned_by_id")
    ])
    successors_own = Assignment.objects.filter(org_unit=successor, course_id=OuterRef("course_id")).values("pk")[:1]
    Enrollment.objects.filter(
        successor.subtree_q("user__org_unit__path"), assignment__org_unit_id=old_unit_id
    ).update(assignment=Subquery(successors_own), updated_at=timezone.now())
    return len(gained)


# Learning and completion --------------------------------------------------


@transaction.atomic
def complete_lesson(*, user: User, lesson: Lesson) -> Enrollment:
    """Record that a learner finished a lesson; completes the enrolment when that made the rule hold."""
    enrollment = (
        Enrollment.objects.select_for_update().select_related("course")
        .filter(user=user, course_id=lesson.module.course_id).first()
    )
    if enrollment is None:
        raise PermissionDenied(_("You are not enrolled in this course."))
    LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    if not enrollment.is_completed and complete_due(Enrollment.objects.filter(pk=enrollment.pk)):
        enrollment.refresh_from_db(fields=["status", "completed_at", "credited_hours", "updated_at"])
    return enrollment


@transaction.atomic(savepoint=False)
def record_quiz_results(*, course: Course, results: dict[int, bool]) -> int:
    """Called by the quiz service with learners' quiz grades in one course: user id -> passed.

    A pass is recorded when first known, and completes the enrolments whose rule
    now holds; returns how many. A regrade can take a pass back, never a completion.
    """
    now = timezone.now()
    enrollments = Enrollment.objects.filter(course=course)
    failed = [user_id for user_id, passed in results.items() if not passed]
    if failed:
        enrollments.filter(user_id__in=failed, quiz_passed_at__isnull=False, status=Enrollment.Status.ENROLLED).update(
            quiz_passed_at=None, updated_at=now
        )
    newly_passed = list(
        enrollments.filter(user_id__in=[user_id for user_id, passed in results.items() if passed],
                           quiz_passed_at__isnull=True).values_list("pk", flat=True)
    )
    if not newly_passed:
        return 0  # nothing new: a completion, if due, was decided when the pass was first known
    enrollments.filter(pk__in=newly_passed).update(quiz_passed_at=now, updated_at=now)
    return complete_due(enrollments.filter(pk__in=newly_passed), now=now)


@transaction.atomic
def record_attendance_results(*, course: Course, results: dict[int, bool]) -> int:
    """Called by the training service with the attendance results of people of one course.

    `results` maps user ids to whether they met the attendance rule of a linked
    class or conference. For a course completed by attendance, those who met it
    are completed now; returns how many.
    """
    now = timezone.now()
    enrollments = Enrollment.objects.filter(course=course)
    met = [user_id for user_id, attended in results.items() if attended]
    missed = [user_id for user_id, attended in results.items() if not attended]
    enrollments.filter(user_id__in=missed).update(attendance_met_at=None, updated_at=now)
    enrollments.filter(user_id__in=met, attendance_met_at__isnull=True).update(attendance_met_at=now, updated_at=now)
    return complete_due(enrollments.filter(user_id__in=met), now=now)


def _has_quiz():
    """Whether the enrolment's course has a quiz; quizzes point at courses, so courses cannot import them."""
    try:
        quiz_model = Course._meta.get_field("quizzes").related_model
    except FieldDoesNotExist:
        return Value(False)
    return Exists(quiz_model.objects.filter(course=OuterRef("course")))


def completion_rule_q() -> Q:
    """The completion rules of every course as one condition on enrolments annotated by `with_progress`."""
    rule = Course.CompletionRule
    lessons_done = Q(lessons_done__gte=F("lessons_total"))
    quiz_passed = Q(quiz_passed_at__isnull=False)
    return (
        Q(course__completion_rule=rule.LESSONS) & lessons_done
        | Q(course__completion_rule=rule.QUIZ) & quiz_passed
        | Q(course__completion_rule=rule.LESSONS_AND_QUIZ) & lessons_done & (quiz_passed | Q(has_quiz=False))
        | Q(course__completion_rule=rule.ATTENDANCE, attendance_met_at__isnull=False)
    )


@transaction.atomic(savepoint=False)
def complete_due(enrollments, *, now=None) -> int:
    """Complete those of these enrolments whose course's rule now holds, and ask for their certificates.

    The one place an enrolment is completed, whatever made the rule hold (a lesson,
    a quiz result, attendance): a fixed number of statements for any number of
    enrolments. A completion is never undone. Returns how many were completed.
    """
    now = now or timezone.now()
    due = list(
        with_progress(enrollments.filter(status=Enrollment.Status.ENROLLED))
        .annotate(has_quiz=_has_quiz()).filter(completion_rule_q()).values_list("pk", flat=True)
    )
    if not due:
        return 0
    hours = Course.objects.filter(pk=OuterRef("course_id")).values("hours")
    completed = Enrollment.objects.filter(pk__in=due, status=Enrollment.Status.ENROLLED).update(
        status=Enrollment.Status.COMPLETED, completed_at=now, credited_hours=Subquery(hours), updated_at=now
    )
    certificate_services.request_completion_certificates(due)
    return completed


def with_progress(enrollments):
    """Annotate `lessons_total` and `lessons_done` in two subqueries, whatever the number of rows."""
    total = (
        Lesson.objects.filter(module__course=OuterRef("course")).order_by()
        .values("module__course").annotate(count=Count("pk")).values("count")
    )
    done = (
        LessonProgress.objects.filter(enrollment=OuterRef("pk"), lesson__module__course=OuterRef("course"))
        .order_by().values("enrollment").annotate(count=Count("pk")).values("count")
    )
    return enrollments.annotate(
        lessons_total=Coalesce(Subquery(total), 0), lessons_done=Coalesce(Subquery(done), 0)
    )
