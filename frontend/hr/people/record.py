"""A person's training record, as HR reads it: courses, classes and conferences, hours, certificates.

Each part is read the way the rest of the platform reads it (the enrolment status
of the reports, the hours of `reports.hours`, the authorised certificate download),
in a fixed number of queries whatever the person has done.
"""

from decimal import Decimal

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from certificates import services as certificate_services
from certificates.access import may_download, pdf_url
from certificates.models import Certificate
from courses.models import Enrollment
from courses.services import with_progress
from quizzes.models import Attempt, Quiz
from quizzes.services.grading import grade_by_method
from reports.hours import Requirements, person_hours
from reports.queries import STATUS_LABELS, status_case
from training.models import AttendanceRecord, RosterEntry, Session


def enrollments_of(person: User) -> list[Enrollment]:
    """Mandatory courses first, the nearest due date first; each with `record_status`, `status_label`, `quiz_percent`."""
    today = timezone.localdate()
    rows = (
        with_progress(Enrollment.objects.filter(user=person)).select_related("course")
        .annotate(record_status=status_case(today))
        .order_by("-mandatory", F("due_date").asc(nulls_last=True), "course__code", "pk")
    )
    enrollments = list(rows)
    percents = quiz_percents(person, enrollments)
    for enrollment in enrollments:
        enrollment.status_label = STATUS_LABELS[enrollment.record_status]
        enrollment.quiz_percent = percents.get(enrollment.course_id)
    return enrollments


def quiz_percents(person: User, enrollments: list[Enrollment]) -> dict[int, Decimal]:
    """{course id: percent} on the quiz that counts for each course (as the completion report reads it),
    by its grading method, from the attempts of the enrolment's cycle."""
    cycles = {enrollment.course_id: enrollment.cycle for enrollment in enrollments}
    if not cycles:
        return {}
    quizzes: dict[int, tuple[int, str]] = {}
    for course_id, quiz_id, method in (Quiz.objects.filter(course_id__in=list(cycles))
                                       .order_by("course_id", "-counts_for_completion", "pk")
                                       .values_list("course_id", "pk", "grading_method")):
        quizzes.setdefault(course_id, (quiz_id, method))
    course_of = {quiz_id: course_id for course_id, (quiz_id, _method) in quizzes.items()}
    percents: dict[int, list[Decimal]] = {}
    attempts = (Attempt.objects.filter(user=person, quiz_id__in=list(course_of), status=Attempt.Status.SCORED)
                .order_by("number").values_list("quiz_id", "cycle", "percent"))
    for quiz_id, cycle, percent in attempts:
        course_id = course_of[quiz_id]
        if cycle == cycles[course_id] and percent is not None:
            percents.setdefault(course_id, []).append(percent)
    return {course_id: grade_by_method(quizzes[course_id][1], values) for course_id, values in percents.items()}


def events_of(person: User) -> list[RosterEntry]:
    """The classes and conferences the person is on the roster of, latest first, each with its session count and
    the person's sessions by attendance status (`present`, `late`, `excused`, `absent`, `unrecorded`)."""
    sessions = (Session.objects.filter(event=OuterRef("event")).order_by().values("event")
                .annotate(n=Count("pk")).values("n"))
    entries = list(
        RosterEntry.objects.filter(user=person).select_related("event")
        .annotate(sessions=Coalesce(Subquery(sessions), 0))
        .order_by("-event__starts_on", "-event_id")
    )
    counts = (AttendanceRecord.objects.filter(user=person).order_by()
              .values_list("session__event_id", "status").annotate(n=Count("pk")))
    by_event: dict[int, dict[str, int]] = {}
    for event_id, status, number in counts:
        by_event.setdefault(event_id, {})[status] = number
    for entry in entries:
        recorded = by_event.get(entry.event_id, {})
        for status in AttendanceRecord.Status.values:
            setattr(entry, status, recorded.get(status, 0))
        entry.unrecorded = max(entry.sessions - sum(recorded.values()), 0)
    return entries


def hours_of(person: User) -> dict:
    """This year's hours and requirement (`this_year`), and every year's (`years`, newest first)."""
    year = timezone.localdate().year
    years = person_hours(person)
    this_year = next((row for row in years if row["year"] == year), None) or {
        "year": year, "hours": Decimal("0"), "courses": 0,
    }
    this_year = {**this_year, "required": Requirements(year).of(person.position)}
    this_year["met"] = this_year["hours"] >= this_year["required"]
    for row in years:
        row["met"] = row["hours"] >= row["required"]
    return {"this_year": this_year, "years": years}


def certificates_of(actor: User, person: User) -> list[dict]:
    """The person's certificates, newest first, with the PDF's address when the actor may download it."""
    items = []
    for certificate in Certificate.objects.filter(holder=person).order_by("-issued_at", "-pk"):
        certificate.holder = person  # read by `may_download`, without a query per certificate
        stored = certificate.is_stored
        items.append({
            "certificate": certificate,
            "status": certificate_services.status_of(certificate) if stored else "pending",
            "pdf_url": pdf_url(certificate) if stored and may_download(actor, certificate) else "",
        })
    return items
