"""How fast a whole roster's attendance is recorded in one request, against a bare bulk insert.

    .venv/bin/python bench/attendance.py [--people 2000]

Without DATABASE_URL the figures are for a throwaway SQLite file in a temporary
folder; with it (PostgreSQL), for a throwaway test database made beside the
named one and dropped at the end.

The conference has two sessions, a required share of 80 % and a linked course
completed by attendance. Recording the first session changes nobody's result
(one session of two is 50 %); recording the second makes everyone meet the
rule: the worst case, in which the same request also completes everyone's
enrolment in the linked course.
"""

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import set_up_django, timed  # noqa: E402

LIMIT_SECONDS = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-attendance-") as folder:
        database = set_up_django(Path(folder))
        try:
            run(options.people)
        finally:
            database.close()


def run(people: int) -> None:
    from django.db import connection

    from courses.models import Enrollment

    instructor, person_ids = make_people(people)
    conference, course = make_conference(instructor)
    first, second = conference.sessions.order_by("starts_at")
    print(f"Attendance of a {people:,}-person roster on {connection.vendor}")
    print()

    warm_up(instructor)
    roster_time = timed(lambda: add_roster(instructor, conference, person_ids))
    bulk_time = timed(lambda: bare_bulk_create(first, person_ids))
    first_time = timed(lambda: post_attendance(instructor, first, person_ids, "present"))
    again_time = timed(lambda: post_attendance(instructor, first, person_ids, "present"))
    second_time = timed(lambda: post_attendance(instructor, second, person_ids, "late"))
    completed = Enrollment.objects.filter(course=course, status="completed").count()

    report("baseline: bare bulk_create of the rows", bulk_time)
    report("roster: add everyone (and enrol in the course)", roster_time)
    report("POST attendance, session 1 (no result changes)", first_time)
    report("POST attendance, session 1 again (nothing new)", again_time)
    report("POST attendance, session 2 (everyone meets the rule)", second_time)
    print()
    print(f"session 1 / bulk_create: {first_time / bulk_time:6.1f}x")
    print(f"session 2 / bulk_create: {second_time / bulk_time:6.1f}x")
    print(f"enrolments completed by the session-2 request itself: {completed:,} of {people:,}")
    slowest = max(first_time, second_time)
    verdict = "within" if slowest < LIMIT_SECONDS else "OVER"
    print(f"slowest request {slowest:.3f} s: {verdict} the {LIMIT_SECONDS:.0f} s limit")


def make_people(count: int):
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts import services
    from accounts.models import User
    from accounts.roles import Role

    instructor = services.create_user(actor=None, username="bench-instructor", full_name="Giảng Viên",
                                      password="bench-password-1", roles=[Role.INSTRUCTOR])
    unit = services.create_org_unit(actor=None, name="Huyện Ba Bể", code="BABE", kind="district")
    password = make_password(None)
    User.objects.bulk_create(
        [User(username=f"cc{number:05d}", full_name=f"Công Chức {number}", employee_code=f"BK{number:06d}",
              org_unit=unit, password=password) for number in range(count)],
        batch_size=1000,
    )
    ids = list(User.objects.filter(org_unit=unit).values_list("pk", flat=True))
    learners = Group.objects.get(name=Role.LEARNER)
    Membership = User.groups.through
    Membership.objects.bulk_create([Membership(user_id=pk, group_id=learners.pk) for pk in ids], batch_size=1000)
    return instructor, ids


def make_conference(instructor):
    from courses import services as course_services
    from training import services

    course = course_services.create_course(actor=instructor, code="HN-2026", title="Hội nghị CCHC",
                                           topic="procedures", hours=4, completion_rule="attendance")
    module = course_services.add_module(course=course, title="Tài liệu")
    course_services.add_lesson(module=module, title="Đề cương", body="<p>x</p>")
    course_services.publish_course(actor=instructor, course=course)
    start = datetime(2026, 11, 12, 1, 0, tzinfo=UTC)
    conference = services.create_event(actor=instructor, kind="conference", title="Hội nghị tuyên truyền CCHC",
                                       starts_on=start.date(), ends_on=start.date(), courses=[course])
    for number in range(2):
        starts_at = start + timedelta(hours=5 * number)
        services.add_session(actor=instructor, event=conference, title=f"Phiên {number + 1}", starts_at=starts_at,
                             ends_at=starts_at + timedelta(hours=3))
    return conference, course


def add_roster(instructor, conference, person_ids) -> None:
    from training import services

    services.add_to_roster(actor=instructor, event=conference, user_ids=person_ids)


def bare_bulk_create(session, person_ids) -> None:
    """The same rows inserted with no checks at all, then rolled back."""
    from django.db import transaction

    from training.models import AttendanceRecord

    class RollBack(Exception):
        pass

    try:
        with transaction.atomic():
            AttendanceRecord.objects.bulk_create(
                [AttendanceRecord(session=session, user_id=pk, status="present") for pk in person_ids],
                batch_size=500,
            )
            raise RollBack
    except RollBack:
        pass


def warm_up(instructor) -> None:
    """One request first, so that loading the URL configuration and middleware is not timed."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(instructor)
    assert client.get("/api/v1/conferences/").status_code == 200


def post_attendance(instructor, session, person_ids, status: str) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(instructor)
    records = [{"user": pk, "status": status} for pk in person_ids]
    response = client.post(f"/api/v1/sessions/{session.pk}/attendance/", {"records": records}, format="json")
    assert response.status_code == 200, response.content[:500]


def report(label: str, seconds: float) -> None:
    print(f"{label:<54} {seconds:7.3f} s")


if __name__ == "__main__":
    main()
