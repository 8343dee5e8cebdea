"""HR reports on a province-sized database: 100,000 enrolments of 10,000 officials in 200 units, on PostgreSQL.

    .venv/bin/python bench/reports.py [--officials 10000] [--courses 10] [--million]

Prints, from one run on this machine, each beside the baseline of the same run
(a bare `COPY (...) TO STDOUT` of the same rows, the same joins and subqueries):

- the 11-column completion report as CSV: time to the first byte and to the
  whole file, through Django's full request stack (middleware, scope, streaming);
- the same report as XLSX (constant-memory writer), the whole file;
- the peak memory (VmHWM) of a fresh process making each file, and with
  `--million` the same at 1,000,000 rows (memory must not grow with the rows);
- the SQL statements per 1,000 rows (each server-side cursor fetch counted as one);
- the org-unit summary of the whole province and the hours report of every official.

DATABASE_URL names the PostgreSQL server (a throwaway database is made on it and
dropped), REDIS_URL the Redis (default redis://127.0.0.1:6379/0).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.exam_day import admin_database, bench_environment, run_manage  # noqa: E402

UNITS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officials", type=int, default=10_000)
    parser.add_argument("--courses", type=int, default=10, help="enrolments per official")
    parser.add_argument("--million", action="store_true", help="also 1,000,000 rows (100 courses each)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # a child process measuring one file
    options = parser.parse_args()
    if options.measure:
        return measure_child(options.measure)

    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    database = f"bench_reports_{uuid.uuid4().hex[:8]}"
    bench_url = urlunsplit(urlsplit(server_url)._replace(path="/" + database))
    admin_database(server_url, f'CREATE DATABASE "{database}"')
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    # No cap on a report downloaded at once: the point is to watch memory as the rows grow.
    env = {**bench_environment(bench_url), "VAR_DIR": str(folder), "MEDIA_ROOT": str(folder / "media"),
           "REPORTS_DIRECT_MAX_ROWS": "0"}
    os.environ.update(env)
    try:
        run_manage(env, "migrate", "--verbosity", "0")
        import django

        django.setup()
        started = time.perf_counter()
        make_province(options.officials, options.courses)
        rows = enrolment_count()
        print(f"data: {options.officials:,} officials in {UNITS} units, {rows:,} enrolments "
              f"(made in {time.perf_counter() - started:.0f} s)")
        report_figures(env, rows)
        whole_province_figures()
        if options.million:
            add_courses(options.officials, 100 - options.courses, first=options.courses)
            rows = enrolment_count()
            print(f"\nwith {rows:,} enrolments:")
            report_figures(env, rows)
    finally:
        from django.db import connections

        connections.close_all()
        admin_database(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# The figures ------------------------------------------------------------------------


def report_figures(env: dict, rows: int) -> None:
    baseline = copy_baseline()
    print(f"baseline: COPY (the same rows) TO STDOUT      first byte {baseline['first'] * 1000:7.0f} ms, "
          f"whole {baseline['total']:6.2f} s, {baseline['bytes'] / 1e6:.1f} MB")
    for format in ("csv", "xlsx"):
        child = subprocess.run([sys.executable, __file__, "--measure", format], env=env, check=True,
                               capture_output=True, text=True)
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        first = (f"first byte {figures['first'] * 1000:5.0f} ms, first row {figures['first_row'] * 1000:5.0f} ms, "
                 if format == "csv" else " " * 42)
        print(f"completion report, {format.upper():<4} ({figures['rows']:,} rows)  {first}"
              f"whole {figures['total']:6.2f} s = {figures['total'] / baseline['total']:5.1f} x COPY, "
              f"{figures['bytes'] / 1e6:.1f} MB;  peak memory {figures['peak_mb']:.0f} MB "
              f"(the process before the report: {figures['base_mb']:.0f} MB);  "
              f"{figures['statements']} statements + {figures['fetches']} cursor fetches = "
              f"{1000 * (figures['statements'] + figures['fetches']) / max(rows, 1):.2f} per 1,000 rows")


def whole_province_figures() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, _hr = hr_client()
    for kind in ("summary", "hours"):
        timings = []
        for _round in range(3):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(f"/api/v1/reports/{kind}/", {"format": "csv"})
                body = b"".join(response.streaming_content)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, body[:300]
        lines = body.count(b"\n") - 1
        print(f"{kind} report, whole province ({lines:,} rows, CSV)   best {min(timings) * 1000:6.0f} ms, "
              f"worst {max(timings) * 1000:6.0f} ms, {len(queries)} SQL statements")
    started = time.perf_counter()
    response = client.get("/api/v1/reports/summary/", {"format": "pdf"})
    print(f"summary, printable PDF                        {(time.perf_counter() - started) * 1000:6.0f} ms, "
          f"{len(response.content) / 1024:.0f} KB")


def measure_child(format: str) -> None:
    """One report file made in this fresh process; prints its figures as JSON."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, _hr = hr_client()
    base = peak_mb()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get("/api/v1/reports/completion/", {"format": format})
        assert response.status_code == 200, response.content[:500]
        first, first_row, size, line_count = None, None, 0, 0
        for piece in response.streaming_content:
            if first is None:
                first = time.perf_counter() - started
            if first_row is None and line_count + piece.count(b"\n") >= 2:
                first_row = time.perf_counter() - started
            size += len(piece)
            line_count += piece.count(b"\n")
        total = time.perf_counter() - started
    rows = line_count - 1 if format == "csv" else count_xlsx_rows(response)
    print(json.dumps({
        "first": first, "first_row": first_row, "total": total, "bytes": size, "rows": rows, "peak_mb": peak_mb(), "base_mb": base,
        "statements": len(queries), "fetches": -(-rows // 2000),
    }))


def count_xlsx_rows(response) -> int:
    from courses.models import Enrollment

    return Enrollment.objects.count()


def copy_baseline() -> dict:
    """The completion report's rows, by the same query, straight out of PostgreSQL as CSV."""
    import psycopg
    from django.db import connection

    from reports import queries

    _client, hr = hr_client()
    sql, params = queries.completion_query(queries.Filters(actor=hr)).query.sql_with_params()
    connection.ensure_connection()
    query = psycopg.ClientCursor(connection.connection).mogrify(sql, params)
    started = time.perf_counter()
    first, size = None, 0
    with connection.connection.cursor().copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
        for piece in copy:
            if first is None:
                first = time.perf_counter() - started
            size += len(piece)
    return {"first": first, "total": time.perf_counter() - started, "bytes": size}


def hr_client():
    from django.test import Client

    from accounts.models import User

    hr = User.objects.get(username="tochuc")
    client = Client()
    client.force_login(hr)
    return client, hr


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def enrolment_count() -> int:
    from courses.models import Enrollment

    return Enrollment.objects.count()


# The data -------------------------------------------------------------------------


def make_province(officials: int, courses: int) -> None:
    """200 units, `officials` officials, `courses` courses each enrolled by everyone, quizzes, attempts, certificates.

    Bulk SQL where Django would take minutes: the rows are what the services would
    have made (statuses, dates, hours, the enrolment's cycle).
    """
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.models import OrgUnit, User
    from accounts.roles import Role
    from certificates.services import default_template

    default_template()
    province = OrgUnit.objects.add_root(instance=OrgUnit(name="Tỉnh Thái Nguyên", code="TN", kind="province"))
    units = [province]
    for number in range(19):
        parent = OrgUnit.objects.get(pk=province.pk)
        department = OrgUnit.objects.add_child(parent, instance=OrgUnit(
            name=f"Sở {number + 1}" if number < 9 else f"Phường {number + 1}", code=f"TN-{number:02d}",
            kind="department" if number < 9 else "commune"))
        units.append(department)
        for child in range(10 if number < 9 else 9):
            parent = OrgUnit.objects.get(pk=department.pk)
            units.append(OrgUnit.objects.add_child(parent, instance=OrgUnit(
                name=f"Phòng {child + 1} – {department.name}", code=f"TN-{number:02d}-{child:02d}", kind="division")))
    units = units[:UNITS]
    password = make_password(None)
    given = ["Hương", "Thủy", "Đặng", "Ưng", "Nguyệt", "Quỳnh", "Đức", "Trường"]
    people = User.objects.bulk_create(
        [User(username=f"cb{n:05d}", full_name=f"Nguyễn Thị {given[n % len(given)]} {n}", password=password,
              employee_code=f"TN{n:05d}", org_unit=units[n % len(units)],
              position="Chuyên viên" if n % 3 else "Chủ tịch UBND xã") for n in range(officials)],
        batch_size=2000,
    )
    hr = User.objects.create(username="tochuc", full_name="Hoàng Thị Tổ Chức", password=password,
                             org_unit=province, is_staff=True)
    hr.groups.add(Group.objects.get(name=Role.HR))
    hr.hr_scope.add(province)
    Group.objects.get(name=Role.LEARNER).user_set.add(*people)
    add_courses(officials, courses, first=0)


def add_courses(officials: int, count: int, *, first: int) -> None:
    """`count` more courses, each enrolled by every official; half completed this year, some started, some overdue."""
    from django.db import connection

    from courses.models import Course, Topic
    from quizzes.models import Quiz, QuestionBank

    topics = [topic.value for topic in Topic]
    for number in range(first, first + count):
        course = Course.objects.create(code=f"CCHC-{number:03d}", title=f"Cải cách hành chính, chuyên đề {number + 1}",
                                       topic=topics[number % len(topics)], hours=4, status="published")
        bank = QuestionBank.objects.create(name=f"Ngân hàng {number + 1}", course=course)
        quiz = Quiz.objects.create(course=course, bank=bank, title="Kiểm tra cuối khóa",
                                   grading_method=["highest", "average", "first", "last"][number % 4])
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO courses_enrollment (user_id, course_id, status, source, mandatory, due_date, enrolled_at,
                    completed_at, credited_hours, cycle, updated_at)
                SELECT u.id, %(course)s,
                       CASE WHEN u.id %% 2 = 0 THEN 'completed' ELSE 'enrolled' END, 'assignment', true,
                       CASE WHEN u.id %% 5 = 1 THEN now()::date - 10 ELSE now()::date + 60 END,
                       now() - interval '90 days',
                       CASE WHEN u.id %% 2 = 0 THEN now() - (u.id %% 80) * interval '1 day' END,
                       CASE WHEN u.id %% 2 = 0 THEN 4 END, 1, now()
                FROM accounts_user u WHERE u.username LIKE 'cb%%'
            """, {"course": course.pk})
            cursor.execute("""
                INSERT INTO quizzes_attempt (quiz_id, user_id, number, cycle, status, started_at, questions, answers,
                    percent, passed)
                SELECT %(quiz)s, e.user_id, n, 1, 'scored', now() - n * interval '1 day', '[]', '{}',
                       (e.user_id * 7 + n * 13) %% 101, true
                FROM courses_enrollment e CROSS JOIN generate_series(1, 2) n
                WHERE e.course_id = %(course)s AND (e.status = 'completed' OR e.user_id %% 3 = 0)
            """, {"quiz": quiz.pk, "course": course.pk})
            cursor.execute("""
                INSERT INTO certificates_certificate (code, kind, holder_id, enrollment_id, cycle, template_id,
                    register, year, serial, title, fields, printed, issued_at, pdf, sha256, signed, revoked_reason,
                    created_at)
                SELECT 'B' || e.id || '-' || left(md5(e.id::text), 12), 'completion', e.user_id, e.id, 1,
                       (SELECT id FROM certificates_certificatetemplate ORDER BY id LIMIT 1), 'GCN-BENCH',
                       2026, e.id, %(title)s, '{}', '[]', e.completed_at, '', '', false, '', now()
                FROM courses_enrollment e WHERE e.course_id = %(course)s AND e.status = 'completed'
            """, {"course": course.pk, "title": course.title})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
