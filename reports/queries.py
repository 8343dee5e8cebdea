"""The rows of each report, read in chunks: memory stays flat however many rows there are.

A report is its columns and a generator of rows of plain values (text, numbers,
dates, aware datetimes, booleans); `reports.writers` turns them into CSV, XLSX or
PDF. Each report reads the people of the actor's scope only (`Filters.people_q`),
and only people whose account is active: a deactivated account has left the service.

The large reports (completion, attendance) read their rows through one server-side
cursor, `CHUNK` rows a fetch, plus one query per chunk for what SQL cannot say
simply (the quiz grade by each quiz's grading method): under one query per
thousand rows whatever the size.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice

from django.db import connection, transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import OrgUnit, User
from accounts.scope import scope_q
from certificates.models import Certificate
from courses.models import Course, Enrollment, LessonProgress, Topic
from quizzes.models import Attempt, Quiz
from quizzes.services.grading import grade_by_method
from reports import hours as hours_
from reports.models import Kind
from training.models import AttendanceRecord, Event, RosterEntry, Session

CHUNK = 2000

NOT_STARTED, IN_PROGRESS, OVERDUE, COMPLETED = "not_started", "in_progress", "overdue", "completed"
STATUS_LABELS = {
    NOT_STARTED: _("Not started"),
    IN_PROGRESS: pgettext_lazy("enrolment", "In progress"),
    OVERDUE: _("Overdue"),
    COMPLETED: _("Completed"),
}


@dataclass(frozen=True)
class Column:
    label: Promise
    type: str = "text"  # text, date, datetime, number, percent, yesno
    width: int = 14


@dataclass
class Filters:
    """What a report is limited to, already checked against the actor's scope (see `reports.filters`)."""

    actor: User
    course: Course | None = None
    event: Event | None = None
    org_unit: OrgUnit | None = None
    status: str | None = None
    start: date | None = None
    end: date | None = None
    year: int = field(default_factory=lambda: timezone.localdate().year)

    def people_q(self, prefix: str = "") -> Q:
        """Active people of the scope, and of the org unit's subtree when one is chosen."""
        q = Q(**{f"{prefix}is_active": True}) & scope_q(self.actor, f"{prefix}org_unit__path")
        if self.org_unit is not None:
            q &= Q(**{f"{prefix}org_unit__path__startswith": self.org_unit.path})
        return q

    def people(self):
        return User.objects.filter(self.people_q())

    def units(self):
        """The units the report is about: the chosen one's subtree, else the whole scope; current units only."""
        units = OrgUnit.objects.active()
        if self.org_unit is not None:
            return units.filter(path__startswith=self.org_unit.path)
        return units.filter(scope_q(self.actor, "path"))

    def period(self) -> tuple[datetime | None, datetime | None]:
        """The first instant of `start` and of the day after `end`, in the province's time zone."""
        zone = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(self.start, time.min), zone) if self.start else None
        end = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), zone) if self.end else None
        return start, end


@dataclass
class Report:
    kind: str
    title: Promise
    columns: list[Column]
    rows: Callable[[], Iterator[tuple]]
    count: Callable[[], int]


def build(kind: str, filters: Filters) -> Report:
    return BUILDERS[kind](filters)


# A job writes its progress as it reads (`progress_outside_transaction`); inside one transaction nobody
# would see that progress before the end.
_in_transaction = ContextVar("reports_read_in_transaction", default=True)


@contextmanager
def progress_outside_transaction():
    token = _in_transaction.set(False)
    try:
        yield
    finally:
        _in_transaction.reset(token)


def streamed(query):
    """The rows of `query` as PostgreSQL sends them: one server-side cursor, `CHUNK` rows a fetch.

    Inside a transaction: outside one, Django declares the cursor WITH HOLD, which
    PostgreSQL answers only once it has run the whole query and stored every row
    (the first row of a million-row report would come after all of them). A job,
    whose first row nobody waits for, reads that way so that its progress shows.
    """
    if not _in_transaction.get():
        yield from query.iterator(chunk_size=CHUNK)
        return
    with transaction.atomic():
        yield from query.iterator(chunk_size=CHUNK)


def batches(iterable, size: int = CHUNK):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


# Completion ---------------------------------------------------------------------


def started_q() -> Q:
    """Some lesson done, or some attempt at the course's quizzes in the enrolment's cycle.

    What "in progress" means everywhere: in the reports and on the learner's own page.
    """
    return Q(Exists(LessonProgress.objects.filter(enrollment=OuterRef("pk")))) | Q(Exists(
        Attempt.objects.filter(quiz__course=OuterRef("course_id"), user=OuterRef("user_id"), cycle=OuterRef("cycle"))
    ))


def status_q(status: str, today: date) -> Q:
    """The enrolments of one derived status; completed and overdue need no subquery."""
    completed = Q(status=Enrollment.Status.COMPLETED)
    overdue = Q(status=Enrollment.Status.ENROLLED, due_date__lt=today)
    if status == COMPLETED:
        return completed
    if status == OVERDUE:
        return overdue
    open_ = ~completed & ~overdue
    return open_ & started_q() if status == IN_PROGRESS else open_ & ~started_q()


def status_case(today: date) -> Case:
    """An enrolment's derived status (`not_started`, `in_progress`, `overdue`, `completed`) as an expression."""
    return Case(
        When(status=Enrollment.Status.COMPLETED, then=Value(COMPLETED)),
        When(due_date__lt=today, then=Value(OVERDUE)),
        When(started_q(), then=Value(IN_PROGRESS)),
        default=Value(NOT_STARTED),
    )


def enrollments(filters: Filters, *, with_status: bool = True):
    """The enrolments of the report; with the derived status as `report_status` when `with_status`."""
    today = timezone.localdate()
    rows = Enrollment.objects.filter(filters.people_q("user__"))
    if with_status:
        rows = rows.annotate(report_status=status_case(today))
    if filters.course is not None:
        rows = rows.filter(course=filters.course)
    if filters.event is not None:
        rows = rows.filter(course__in=filters.event.courses.values("pk"),
                           user__in=filters.event.roster.values("user_id"))
    start, end = filters.period()
    # Enrolments open at some time in the period: enrolled before it ended, not completed before it began.
    if end is not None:
        rows = rows.filter(enrolled_at__lt=end)
    if start is not None:
        rows = rows.filter(Q(completed_at__isnull=True) | Q(completed_at__gte=start))
    if filters.status:
        rows = rows.filter(status_q(filters.status, today))
    return rows


def completion_query(filters: Filters):
    """The completion report's rows as SQL: one row per enrolment, in unit, name and course order."""
    certificate = Certificate.objects.filter(
        enrollment=OuterRef("pk"), cycle=OuterRef("cycle"), kind=Certificate.Kind.COMPLETION, revoked_at__isnull=True
    ).values("code")[:1]
    return enrollments(filters).annotate(certificate_code=Subquery(certificate)).order_by(
        "user__org_unit__path", "user__full_name", "user_id", "course__code", "pk"
    ).values_list(
        "user_id", "course_id", "cycle", "user__employee_code", "user__full_name", "user__org_unit__name",
        "course__code", "course__title", "enrolled_at", "due_date", "report_status", "completed_at",
        "certificate_code",
    )


def completion(filters: Filters) -> Report:
    query = completion_query(filters)

    def rows():
        # The quiz that counts for each course: the first that counts for completion, else its first quiz.
        quizzes = {}
        for course_id, quiz_id, method in Quiz.objects.order_by("course_id", "-counts_for_completion", "pk") \
                .values_list("course_id", "pk", "grading_method"):
            quizzes.setdefault(course_id, (quiz_id, method))
        for batch in batches(streamed(query)):
            grades = _quiz_grades(batch, quizzes)
            for (user_id, course_id, cycle, code, name, unit, course_code, title, enrolled_at, due_date, status,
                 completed_at, certificate_code) in batch:
                yield (code, name, unit, course_code, title, enrolled_at, due_date, STATUS_LABELS[status],
                       completed_at, grades.get((user_id, course_id)), certificate_code)

    columns = [
        Column(_("Employee code"), width=12), Column(_("Full name"), width=28), Column(_("Organisation unit"), width=34),
        Column(_("Course code"), width=14), Column(_("Course title"), width=40),
        Column(_("Enrolled at"), "datetime", 17), Column(_("Due date"), "date", 12), Column(_("Status"), width=16),
        Column(_("Completed at"), "datetime", 17), Column(_("Quiz percent"), "percent", 10),
        Column(_("Certificate code"), width=22),
    ]
    return Report(Kind.COMPLETION, Kind.COMPLETION.label, columns, rows, lambda: enrollments(filters, with_status=False).count())


def _quiz_grades(batch, quizzes) -> dict[tuple[int, int], Decimal]:
    """{(user, course): percent} by each quiz's grading method, from the attempts of the enrolment's cycle."""
    wanted = {(row[0], quizzes[row[1]][0]): (row[1], row[2]) for row in batch if row[1] in quizzes}
    if not wanted:
        return {}
    percents: dict[tuple[int, int], list[Decimal]] = {}
    attempts = Attempt.objects.filter(
        user_id__in={user_id for user_id, _quiz in wanted}, quiz_id__in={quiz_id for _user, quiz_id in wanted},
        status=Attempt.Status.SCORED,
    ).order_by("number").values_list("user_id", "quiz_id", "cycle", "percent")
    for user_id, quiz_id, cycle, percent in attempts:
        course_id, current_cycle = wanted.get((user_id, quiz_id), (None, None))
        if course_id is not None and cycle == current_cycle and percent is not None:
            percents.setdefault((user_id, course_id), []).append(percent)
    methods = {quiz_id: method for quiz_id, method in quizzes.values()}
    return {
        (user_id, course_id): grade_by_method(methods[quizzes[course_id][0]], values)
        for (user_id, course_id), values in percents.items()
    }


# Attendance ---------------------------------------------------------------------


def roster(filters: Filters):
    rows = RosterEntry.objects.filter(filters.people_q("user__"))
    if filters.event is not None:
        rows = rows.filter(event=filters.event)
    if filters.course is not None:
        rows = rows.filter(event__courses=filters.course)
    # Classes and conferences that ran at some time in the period.
    if filters.start is not None:
        rows = rows.filter(event__ends_on__gte=filters.start)
    if filters.end is not None:
        rows = rows.filter(event__starts_on__lte=filters.end)
    return rows


def attendance(filters: Filters) -> Report:
    records = AttendanceRecord.objects.filter(session__event=OuterRef("event_id"), user=OuterRef("user_id"))

    def status_count(status: str) -> Subquery:
        return Coalesce(Subquery(
            records.filter(status=status).order_by().values("user").annotate(n=Count("pk")).values("n")[:1]
        ), 0, output_field=IntegerField())

    sessions = Coalesce(Subquery(
        Session.objects.filter(event=OuterRef("event_id")).order_by().values("event")
        .annotate(n=Count("pk")).values("n")[:1]
    ), 0, output_field=IntegerField())
    certificate = Certificate.objects.filter(
        event=OuterRef("event_id"), holder=OuterRef("user_id"), kind=Certificate.Kind.ATTENDANCE,
        revoked_at__isnull=True,
    ).values("code")[:1]
    Status = AttendanceRecord.Status
    query = roster(filters).annotate(
        sessions=sessions, present=status_count(Status.PRESENT), late=status_count(Status.LATE),
        excused=status_count(Status.EXCUSED), absent=status_count(Status.ABSENT),
        certificate_code=Subquery(certificate),
    ).order_by("user__org_unit__path", "user__full_name", "user_id", "-event__starts_on", "event_id").values_list(
        "user__employee_code", "user__full_name", "user__org_unit__name", "event__kind", "event__title",
        "event__starts_on", "event__ends_on", "sessions", "present", "late", "excused", "absent", "attended",
        "certificate_code",
    )
    kinds = dict(Event.Kind.choices)

    def rows():
        for (code, name, unit, kind, title, starts_on, ends_on, sessions, present, late, excused, absent, attended,
             certificate_code) in streamed(query):
            not_recorded = max(0, sessions - present - late - excused - absent)
            yield (code, name, unit, kinds[kind], title, starts_on, ends_on, sessions, present, late, excused,
                   absent, not_recorded, attended, certificate_code)

    columns = [
        Column(_("Employee code"), width=12), Column(_("Full name"), width=28), Column(_("Organisation unit"), width=34),
        Column(_("Kind"), width=12), Column(_("Class or conference"), width=40),
        Column(_("Starts on"), "date", 12), Column(_("Ends on"), "date", 12),
        Column(_("Sessions"), "number", 9), Column(_("Present"), "number", 9), Column(_("Late"), "number", 9),
        Column(_("Excused"), "number", 9), Column(_("Absent"), "number", 9), Column(_("Not recorded"), "number", 11),
        Column(_("Attendance rule met"), "yesno", 12), Column(_("Certificate code"), width=22),
    ]
    return Report(Kind.ATTENDANCE, Kind.ATTENDANCE.label, columns, rows, lambda: roster(filters).count())


# Training hours -----------------------------------------------------------------


def hours(filters: Filters) -> Report:
    people = filters.people()

    def rows():
        earned = hours_.hours_by_person(people, filters.year)
        requirements = hours_.Requirements(filters.year)
        for person_id, code, name, unit, position in streamed(people.order_by(
            "org_unit__path", "full_name", "pk"
        ).values_list("pk", "employee_code", "full_name", "org_unit__name", "position")):
            by_topic = earned.get(person_id, {})
            topics = [by_topic.get(topic, hours_.ZERO) for topic in hours_.TOPICS]
            total = sum(topics, hours_.ZERO)
            required = requirements.of(position)
            yield (code, name, unit, *topics, total, required, total >= required)

    columns = [
        Column(_("Employee code"), width=12), Column(_("Full name"), width=28), Column(_("Organisation unit"), width=34),
        *(Column(label, "number", 12) for _value, label in Topic.choices),
        Column(_("Total hours"), "number", 10), Column(_("Required hours"), "number", 10),
        Column(_("Requirement met"), "yesno", 12),
    ]
    return Report(Kind.HOURS, Kind.HOURS.label, columns, rows, lambda: people.count())


# Summary by org unit ------------------------------------------------------------


@dataclass
class UnitFigures:
    unit: OrgUnit
    people: int = 0
    enrolled: int = 0
    completed: int = 0
    overdue: int = 0
    below_hours: int = 0

    @property
    def completion_rate(self) -> Decimal | None:
        if not self.enrolled:
            return None
        return (Decimal(100 * self.completed) / self.enrolled).quantize(Decimal("0.1"))

    def add(self, other: "UnitFigures") -> None:
        self.people += other.people
        self.enrolled += other.enrolled
        self.completed += other.completed
        self.overdue += other.overdue
        self.below_hours += other.below_hours


def summary_figures(filters: Filters) -> list[UnitFigures]:
    """Each unit of the report's subtree, in tree order, with the figures of everything under it."""
    units = list(filters.units().select_related("parent").order_by("path"))
    figures = {unit.pk: UnitFigures(unit) for unit in units}
    people = filters.people()
    for unit_id, count in people.order_by().values_list("org_unit_id").annotate(n=Count("pk")):
        if unit_id in figures:
            figures[unit_id].people = count
    today = timezone.localdate()
    counts = enrollments(filters, with_status=False).order_by().values_list("user__org_unit_id").annotate(
        enrolled=Count("pk"),
        completed=Count("pk", filter=status_q(COMPLETED, today)),
        overdue=Count("pk", filter=status_q(OVERDUE, today)),
    )
    for unit_id, enrolled, completed, overdue in counts:
        if unit_id in figures:
            figures[unit_id].enrolled, figures[unit_id].completed, figures[unit_id].overdue = enrolled, completed, overdue
    for unit_id, below in below_hours_by_unit(people, filters.year).items():
        if unit_id in figures:
            figures[unit_id].below_hours = below
    # Deepest first, so that each unit's total is complete before it is added to its parent's.
    rolled = {pk: UnitFigures(item.unit) for pk, item in figures.items()}
    for item in figures.values():
        rolled[item.unit.pk].add(item)
    for unit in sorted(units, key=lambda unit: unit.depth, reverse=True):
        if unit.parent_id in rolled:
            rolled[unit.parent_id].add(rolled[unit.pk])
    return [rolled[unit.pk] for unit in units]


def earned_hours_sql(people, year: int) -> tuple[str, list]:
    """SQL of two common table expressions ending in `earned(user_id, hours)`: the hours each of `people` earned in
    `year`, every source of `reports.hours` summed, to be joined to the people, so that the database, not Python,
    goes through a province's officials."""
    parts = [source.query.sql_with_params() for source in hours_.credits(people, year, by_topic=False)]
    union = " UNION ALL ".join(sql for sql, _params in parts)
    return (f"credit(user_id, hours) AS ({union}), "
            "earned(user_id, hours) AS (SELECT user_id, SUM(hours) FROM credit GROUP BY user_id)",
            [param for _sql, params in parts for param in params])


def below_hours_by_unit(people, year: int) -> Counter:
    """{org unit id: how many of `people` there earned fewer hours in `year` than their position asks}.

    The database groups the people by unit, position and hours earned (a few hundred
    rows for a province); the requirement of each position is `reports.hours.Requirements`'s.
    """
    person, person_params = people.order_by().values_list("pk", "org_unit_id", "position").query.sql_with_params()
    earned, earned_params = earned_hours_sql(people, year)
    requirements = hours_.Requirements(year)
    below = Counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH person(id, org_unit_id, position) AS ({person}), {earned} "
            "SELECT person.org_unit_id, person.position, earned.hours, COUNT(*) FROM person "
            "LEFT JOIN earned ON earned.user_id = person.id "
            "GROUP BY person.org_unit_id, person.position, earned.hours",
            [*person_params, *earned_params],
        )
        for unit_id, position, earned_hours, count in cursor.fetchall():
            if database_hours(earned_hours) < requirements.of(position):
                below[unit_id] += count
    return below


def database_hours(value) -> Decimal:
    """Hours summed by raw SQL (a float on SQLite, NULL for none), in the tenths of an hour they are stored in."""
    return hours_.ZERO if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def summary(filters: Filters) -> Report:
    def rows():
        for item in summary_figures(filters):
            parent = item.unit.parent
            yield (item.unit.code, item.unit.name, parent.code if parent else "", item.people, item.enrolled,
                   item.completed, item.overdue, item.completion_rate, item.below_hours)

    columns = [
        Column(_("Unit code"), width=16), Column(_("Unit"), width=40), Column(_("Parent unit code"), width=16),
        Column(_("People"), "number", 9), Column(_("Enrolments"), "number", 10), Column(_("Completed"), "number", 10),
        Column(_("Overdue"), "number", 10), Column(_("Completion rate (%)"), "percent", 12),
        Column(_("People below the hours requirement"), "number", 14),
    ]
    return Report(Kind.SUMMARY, Kind.SUMMARY.label, columns, rows,
                  lambda: filters.units().count())


BUILDERS = {
    Kind.COMPLETION: completion,
    Kind.ATTENDANCE: attendance,
    Kind.HOURS: hours,
    Kind.SUMMARY: summary,
}
