"""`/`: the learner's dashboard, in the order a learner needs it, on a phone as on a computer.

First what must be done (assigned courses not completed, overdue first), then the
courses under way, the classes and conferences coming up with their next
sessions, this year's training hours against the requirement, the courses
completed and the latest certificates; the person's account and other
workspaces last. Each section is one query whatever its length: a handful in all.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, Min, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.roles import Role
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Enrollment, Lesson, LessonProgress
from reports import hours
from reports.queries import started_q
from training.models import Event, Session

UPCOMING_EVENTS = 3
NEXT_SESSIONS = 3
COMPLETED_SHOWN = 3
RECENT_CERTIFICATES = 3


@login_required
@require_safe
def home(request):
    person = request.user
    now = timezone.now()
    courses = my_courses(person)
    unfinished = [enrollment for enrollment in courses if not enrollment.is_completed]
    completed = sorted((enrollment for enrollment in courses if enrollment.is_completed),
                       key=lambda enrollment: enrollment.completed_at or enrollment.enrolled_at, reverse=True)
    return render(request, "frontend/learner/home.html", {
        "to_do": [enrollment for enrollment in unfinished if enrollment.mandatory],
        "in_progress": [enrollment for enrollment in unfinished if not enrollment.mandatory],
        "completed": completed[:COMPLETED_SHOWN],
        "completed_more": completed[COMPLETED_SHOWN:],
        "completed_count": len(completed),
        "events": upcoming_events(person, now),
        "hours": HoursThisYear.of(person, timezone.localdate(now).year),
        "certificates": list(Certificate.objects.filter(holder=person).exclude(sha256="")
                             .only("code", "title", "kind", "register", "year", "serial", "issued_at")
                             .order_by("-issued_at", "-pk")[:RECENT_CERTIFICATES]),
        "roles": [Role(role).label for role in person.roles],
        "is_admin": person.has_role(Role.ADMIN),
        "is_hr": person.has_role(Role.HR, Role.ADMIN),
        "is_instructor": person.has_role(Role.INSTRUCTOR, Role.ADMIN),
    })


def my_courses(person) -> list[Enrollment]:
    """Every enrolment of the person with its progress, whether it started and its next lesson: one query.

    Ordered by due date (overdue ones come first, being the earliest), then the latest enrolled.
    """
    done = LessonProgress.objects.filter(enrollment=OuterRef(OuterRef("pk")), lesson=OuterRef("pk"))
    next_lesson = (
        Lesson.objects.filter(module__course=OuterRef("course_id")).exclude(Exists(done))
        .order_by("module__position", "module_id", "position", "pk").values("pk")[:1]
    )
    enrollments = (
        course_services.with_progress(Enrollment.objects.filter(user=person)).select_related("course")
        .annotate(started=ExpressionWrapper(started_q(), output_field=BooleanField()),
                  next_lesson_id=Subquery(next_lesson))
    )
    return list(enrollments.order_by(F("due_date").asc(nulls_last=True), "-enrolled_at", "-pk"))


def upcoming_events(person, now: datetime) -> list[Event]:
    """The classes and conferences on whose roster the person is, still to come or under way, nearest first.

    Each with its next sessions (`next_sessions`), the one open for check-in now marked `check_in_open`.
    An event whose sessions are all over is left out; one without sessions yet stays until its last day.
    """
    next_sessions = Session.objects.filter(ends_at__gt=now).order_by("starts_at", "pk")[:NEXT_SESSIONS]
    events = (
        Event.objects.filter(roster__user=person, ends_on__gte=timezone.localdate(now))
        .annotate(next_start=Min("sessions__starts_at", filter=Q(sessions__ends_at__gt=now)))
        .filter(Q(next_start__isnull=False) | ~Exists(Session.objects.filter(event=OuterRef("pk"))))
        .prefetch_related(Prefetch("sessions", queryset=next_sessions, to_attr="next_sessions"))
        .order_by(F("next_start").asc(nulls_last=True), "starts_on", "pk")[:UPCOMING_EVENTS]
    )
    opens_before = timedelta(minutes=settings.CHECKIN_OPENS_BEFORE_MINUTES)
    events = list(events)
    for event in events:
        for session in event.next_sessions:
            session.check_in_open = session.starts_at - opens_before <= now < session.ends_at
    return events


@dataclass
class HoursThisYear:
    """The training hours credited this year against the year's requirement, and the earlier years."""

    year: int
    earned: Decimal
    required: Decimal
    earlier: list[dict]

    @classmethod
    def of(cls, person, year: int) -> "HoursThisYear":
        rows = hours.person_hours(person)
        this_year = next((row for row in rows if row["year"] == year), None)
        if this_year is None:
            this_year = {"hours": Decimal(0), "required": hours.Requirements(year).of(person.position)}
        return cls(year, this_year["hours"], this_year["required"], [row for row in rows if row["year"] < year])

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.earned, Decimal(0))

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.earned / self.required)) if self.required else 100
