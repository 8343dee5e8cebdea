"""HR's summary and the learner's dashboard on a province of 10,000 officials in 200 units, through Django's stack.

    .venv/bin/python bench/hr_pages.py [--runs 30] [--fresh] [--drop]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_hr .venv/bin/python bench/hr_pages.py

With DATABASE_URL, the named PostgreSQL database is made if missing and kept:
the next run reuses its data (`--fresh` rebuilds it, `--drop` drops it at the
end). Without, an SQLite file (`--sqlite`, default /tmp/bench_hr.sqlite3) is
made and kept the same way. The data, made in bulk as the services would have
left it: 10,000 officials in 200 units, ten courses with about eight enrolments
each (half completed this year with their hours, a sixth overdue), classes and
conferences with rosters and attendance, certificates; and one learner with a
realistic year: 14 courses in every state, lesson progress, 6 certificates,
4 classes and conferences.

It times, `--runs` times each after a warm-up, with Django's test client (full
middleware and templates, no network): `/healthz` (one query and a cache ping,
the baseline), `/hr/` as the HR officer of the whole province, `/hr/` drilled
down into a department (about 550 people, listed problems first) and into the
whole province (10,000 people listed), and `/` as the learner. It prints the
median, the 95th percentile, the SQL statements and the ratio to the baseline
of each, and the aims: `/hr/` under 300 ms, the dashboard under 100 ms.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.exam_day import admin_database, bench_environment  # noqa: E402

OFFICIALS, UNITS, COURSES = 10_000, 200, 10
HR_AIM_MS, DASHBOARD_AIM_MS = 300, 100
LEARNER = "hocvien"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--fresh", action="store_true", help="rebuild the data even if the database has it")
    parser.add_argument("--drop", action="store_true", help="drop the database (or delete the file) at the end")
    parser.add_argument("--sqlite", default="/tmp/bench_hr.sqlite3", help="the SQLite file without DATABASE_URL")
    options = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    if server_url:
        database_url = server_url
        name = urlsplit(server_url).path.lstrip("/")
        if options.fresh:
            admin_database(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not _database_exists(server_url, name):
            admin_database(server_url, f'CREATE DATABASE "{name}"')
    else:
        if options.fresh and os.path.exists(options.sqlite):
            os.remove(options.sqlite)
        database_url = f"sqlite:///{options.sqlite}"
    folder = tempfile.mkdtemp(prefix="bench-hr-")
    os.environ.update({**bench_environment(database_url), "VAR_DIR": folder, "MEDIA_ROOT": f"{folder}/media",
                       "CELERY_BROKER_URL": "filesystem://"})
    import django

    django.setup()
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if not _has_province():
            started = time.perf_counter()
            make_province()
            print(f"data made in {time.perf_counter() - started:.0f} s")
        measure(options.runs)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)
        if options.drop:
            if server_url:
                admin_database(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            elif os.path.exists(options.sqlite):
                os.remove(options.sqlite)


def _database_exists(server_url: str, name: str) -> bool:
    import psycopg

    maintenance = urlsplit(server_url)._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _has_province() -> bool:
    from accounts.models import User

    return User.objects.filter(username=LEARNER).exists()


# The figures ------------------------------------------------------------------------


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client

    from accounts.models import OrgUnit, User

    hr, learner = Client(), Client()
    hr.force_login(User.objects.get(username="tochuc"))
    learner.force_login(User.objects.get(username=LEARNER))
    department = OrgUnit.objects.get(code="TN-00")
    province = OrgUnit.objects.get(code="TN")
    people = User.objects.filter(is_active=True).count()
    print(f"{connection.vendor}: {people:,} people, {OrgUnit.objects.count()} units, "
          f"{_count('courses.Enrollment'):,} enrolments, {_count('training.RosterEntry'):,} roster entries, "
          f"{_count('certificates.Certificate'):,} certificates; {runs} runs of each page after a warm-up\n")
    pages = [
        ("/healthz (the baseline)", hr, "/healthz", {}),
        ("/hr/ as HR of the province", hr, "/hr/", {}),
        (f"/hr/?org_unit= a department ({_people_in(department):,} people)", hr, "/hr/", {"org_unit": department.pk}),
        (f"/hr/?org_unit= the province ({_people_in(province):,} people)", hr, "/hr/", {"org_unit": province.pk}),
        ("/ the learner's dashboard", learner, "/", {}),
    ]
    print(f"{'page':<52} {'median':>9} {'p95':>9} {'× baseline':>11} {'SQL':>5}")
    medians = {}
    baseline = None
    for label, client, path, query in pages:
        times, statements = time_page(client, path, query, runs)
        median, p95 = statistics.median(times), percentile(times, 0.95)
        baseline = baseline or median
        medians[label] = median
        print(f"{label:<52} {median:7.1f} ms {p95:7.1f} ms {median / baseline:10.1f}× {statements:5d}")
    print()
    verdict("/hr/ (top level)", medians[pages[1][0]], HR_AIM_MS)
    verdict("/hr/ drilled into a department", medians[pages[2][0]], HR_AIM_MS)
    verdict("/hr/ drilled into the whole province", medians[pages[3][0]], HR_AIM_MS)
    verdict("the learner's dashboard", medians[pages[4][0]], DASHBOARD_AIM_MS)


def time_page(client, path: str, query: dict, runs: int) -> tuple[list[float], int]:
    from django.db import connection

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # the warm-up, counted
        response = client.get(path, query)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        client.get(path, query)
        times.append((time.perf_counter() - started) * 1000)
    return times, len(statements)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def verdict(label: str, median: float, aim: int) -> None:
    print(f"{label:<40} {median:7.1f} ms median: {'meets' if median < aim else 'MISSES'} the aim of {aim} ms")


def _count(model: str) -> int:
    from django.apps import apps

    return apps.get_model(model).objects.count()


def _people_in(unit) -> int:
    from accounts.models import User

    return User.objects.filter(is_active=True, org_unit__path__startswith=unit.path).count()


# The data -------------------------------------------------------------------------


def make_province() -> None:
    """200 units, 10,000 officials, their courses, classes and conferences, and one learner's year."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role
    from reports.models import HoursRequirement

    units = make_units()
    password = make_password(None)
    given = ["Hương", "Thủy", "Đặng", "Ưng", "Nguyệt", "Quỳnh", "Đức", "Trường"]
    people = User.objects.bulk_create(
        [User(username=f"cb{n:05d}", full_name=f"Nguyễn Thị {given[n % len(given)]} {n}", password=password,
              email=f"cb{n:05d}@example.gov.vn", employee_code=f"TN{n:05d}", org_unit=units[n % len(units)],
              position="Chuyên viên" if n % 3 else "Chủ tịch UBND xã") for n in range(OFFICIALS)],
        batch_size=2000,
    )
    learner_group = Group.objects.get(name=Role.LEARNER)
    learner_group.user_set.through.objects.bulk_create(
        [learner_group.user_set.through(user_id=person.pk, group_id=learner_group.pk) for person in people],
        batch_size=5000,
    )
    hr = User.objects.create(username="tochuc", full_name="Hoàng Thị Tổ Chức", password=password,
                             org_unit=units[0], is_staff=True)
    hr.groups.add(Group.objects.get(name=Role.HR))
    hr.hr_scope.add(units[0])
    HoursRequirement.objects.create(year=time.localtime().tm_year, hours=16)
    HoursRequirement.objects.create(year=time.localtime().tm_year, position="Chủ tịch UBND xã", hours=24)
    instructor = User.objects.create(username="giangvien", full_name="Triệu Văn Giảng", password=password,
                                     org_unit=units[1], is_staff=True)
    instructor.groups.add(Group.objects.get(name=Role.INSTRUCTOR))
    courses = make_courses(instructor)
    enrol_everyone(people, courses)
    events = make_events(instructor, people)
    make_learner(units[5], courses, events, password)
    _analyze()


def make_units() -> list:
    """The province, 19 departments and communes under it, and their divisions: 200 units, tree order."""
    from accounts.models import OrgUnit

    province = OrgUnit.objects.add_root(instance=OrgUnit(name="Tỉnh Thái Nguyên", code="TN", kind="province"))
    units = [province]
    for number in range(19):
        department = OrgUnit.objects.add_child(OrgUnit.objects.get(pk=province.pk), instance=OrgUnit(
            name=f"Sở {number + 1}" if number < 9 else f"Phường {number + 1}", code=f"TN-{number:02d}",
            kind="department" if number < 9 else "commune", parent=province))
        units.append(department)
        for child in range(10 if number < 9 else 9):
            units.append(OrgUnit.objects.add_child(OrgUnit.objects.get(pk=department.pk), instance=OrgUnit(
                name=f"Phòng {child + 1} – {department.name}", code=f"TN-{number:02d}-{child:02d}", kind="division",
                parent=department)))
    return units[:UNITS]


def make_courses(instructor) -> list:
    from courses.models import Course, Lesson, Module, Topic

    topics = [topic.value for topic in Topic]
    courses = []
    for number in range(COURSES + 4):
        course = Course.objects.create(code=f"CCHC-{number:03d}", title=f"Cải cách hành chính, chuyên đề {number + 1}",
                                       topic=topics[number % len(topics)], hours=4, status="published")
        course.instructors.add(instructor)
        module = Module.objects.create(course=course, title="Chương 1")
        Lesson.objects.bulk_create([Lesson(module=module, title=f"Bài {n + 1}", body="<p>Nội dung</p>", position=n)
                                    for n in range(5)])
        courses.append(course)
    return courses


def enrol_everyone(people, courses) -> None:
    """About eight of the ten courses each: half completed this year (with their hours), a sixth overdue."""
    from django.utils import timezone

    from courses.models import Enrollment

    now, today = timezone.now(), timezone.localdate()
    rows = []
    for index, person in enumerate(people):
        for number, course in enumerate(courses[:COURSES]):
            if (index + number) % 5 >= 3 and number % 2:
                continue  # not everyone takes every course
            state = (index * 7 + number) % 6
            completed = state < 3
            rows.append(Enrollment(
                user_id=person.pk, course=course, source="assignment", mandatory=True,
                status="completed" if completed else "enrolled",
                due_date=today - timedelta(days=10 + index % 30) if state == 3 else today + timedelta(days=60),
                enrolled_at=now - timedelta(days=90), completed_at=now - timedelta(days=index % 60) if completed else None,
                credited_hours=4 if completed else None,
            ))
    Enrollment.objects.bulk_create(rows, batch_size=5000)


def make_events(instructor, people) -> list:
    """Twenty classes and conferences of 200 people each, two sessions, most attending (their hours count)."""
    from django.utils import timezone

    from training.models import AttendanceRecord, Event, RosterEntry, Session

    today, now = timezone.localdate(), timezone.now()
    events, entries, records = [], [], []
    for number in range(20):
        event = Event.objects.create(
            kind="class" if number % 2 else "conference", title=f"Hội nghị tuyên truyền CCHC số {number + 1}",
            starts_on=today - timedelta(days=40 + number), ends_on=today - timedelta(days=39 + number),
            topic="procedures", hours=4, created_by=instructor)
        event.instructors.add(instructor)
        sessions = [Session.objects.create(event=event, title=f"Phiên {n + 1}",
                                           starts_at=now - timedelta(days=40 + number - n),
                                           ends_at=now - timedelta(days=40 + number - n) + timedelta(hours=2))
                    for n in range(2)]
        for person in people[number * 200:(number + 1) * 200]:
            attended = person.pk % 4 != 0
            entries.append(RosterEntry(event=event, user_id=person.pk, attended=attended))
            records.extend(AttendanceRecord(session=session, user_id=person.pk, status="present" if attended else "absent")
                           for session in sessions)
        events.append(event)
    RosterEntry.objects.bulk_create(entries, batch_size=5000)
    AttendanceRecord.objects.bulk_create(records, batch_size=5000)
    return events


def make_learner(unit, courses, events, password) -> None:
    """One learner's year: 14 courses (6 completed with certificates, 2 overdue, the rest in progress or not
    started), lesson progress, and 4 classes and conferences with attendance."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from certificates.models import Certificate
    from certificates.services import default_template
    from courses.models import Enrollment, Lesson, LessonProgress
    from training.models import AttendanceRecord, RosterEntry

    now, today = timezone.now(), timezone.localdate()
    learner = User.objects.create(username=LEARNER, full_name="Nông Văn Học", password=password, org_unit=unit,
                                  employee_code="TN-HV-01", position="Chuyên viên")
    learner.groups.add(Group.objects.get(name=Role.LEARNER))
    template = default_template()
    for number, course in enumerate(courses):
        completed = number < 6
        enrollment = Enrollment.objects.create(
            user=learner, course=course, source="assignment" if number % 2 else "self", mandatory=bool(number % 2),
            status="completed" if completed else "enrolled", completed_at=now - timedelta(days=20 * number)
            if completed else None, credited_hours=4 if completed else None,
            due_date=today + timedelta(days=(-5 if number in (6, 7) else 30 + number)) if number % 2 else None)
        lessons = list(Lesson.objects.filter(module__course=course))
        done = lessons if completed else lessons[:number % 4]
        LessonProgress.objects.bulk_create([LessonProgress(enrollment=enrollment, lesson=lesson) for lesson in done])
        if completed:
            Certificate.objects.create(
                code=f"HV{number:02d}{enrollment.pk:08d}", kind="completion", holder=learner, enrollment=enrollment,
                template=template, register="GCN-BENCH", year=today.year, serial=number + 1, title=course.title,
                fields={"holder_name": learner.full_name}, printed=[], issued_at=enrollment.completed_at,
                sha256="0" * 64, pdf_size=60_000)
    for event in events[:4]:
        RosterEntry.objects.create(event=event, user=learner, attended=True)
        AttendanceRecord.objects.bulk_create([AttendanceRecord(session=session, user=learner, status="present")
                                              for session in event.sessions.all()])


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
