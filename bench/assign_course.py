"""How long a mandatory assignment of a course to a unit of 5,000 people takes.

    .venv/bin/python bench/assign_course.py [--people 5000]

Prints the time of `assign_course` through the HTTP API, the time of a second
assignment (which must enrol nobody), and a baseline measured in the same run:
a bare `bulk_create` of the same number of enrolments, with no checks.
"""

import argparse
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import set_up_django, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-assign-") as folder:
        database = set_up_django(Path(folder))
        try:
            run(options.people)
        finally:
            database.close()


def run(people: int) -> None:
    from django.db import connection
    from django.utils import timezone
    from rest_framework.test import APIClient

    from courses.models import Enrollment

    admin, district, course, baseline_course = make_data(people)
    api = APIClient()
    api.force_authenticate(admin)
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    payload = {"course": course.pk, "org_unit": district.pk, "due_date": due}

    baseline = timed(lambda: Enrollment.objects.bulk_create(
        [Enrollment(user_id=pk, course=baseline_course) for pk in district_people(district)], batch_size=1000))
    results = {}
    first = timed(lambda: results.setdefault("first", api.post("/api/v1/assignments/", payload, format="json")))
    again = timed(lambda: results.setdefault("again", api.post("/api/v1/assignments/", payload, format="json")))

    print(f"Assigning a course to a district of {people:,} people on {connection.vendor}")
    print(f"baseline: bare bulk_create of {people:,} enrolments   {baseline:7.3f} s")
    print(f"POST /api/v1/assignments/ (first)              {first:7.3f} s  -> {results['first'].json()}")
    print(f"POST /api/v1/assignments/ (again)              {again:7.3f} s  -> {results['again'].json()}")
    print(f"first / baseline: {first / baseline:5.2f}x   (aim: first under 5 s)")
    enrolled = Enrollment.objects.filter(course=course).count()
    print(f"enrolments of the course: {enrolled:,} (one per person: {enrolled == people})")


def district_people(district):
    from accounts.models import User

    return list(User.objects.filter(district.subtree_q("org_unit__path")).values_list("pk", flat=True))


def make_data(people: int):
    from django.contrib.auth.hashers import make_password

    from accounts import services
    from accounts.models import User
    from courses import services as courses
    from courses.models import Lesson

    admin = User.objects.create(username="bench-admin", full_name="Quản Trị", is_superuser=True, is_staff=True)
    province = services.create_org_unit(actor=admin, name="Tỉnh Bắc Kạn", code="BK")
    district = services.create_org_unit(actor=admin, name="Huyện Ba Bể", code="BABE", parent=province)
    communes = [services.create_org_unit(actor=admin, name=f"Xã {n}", code=f"BABE-{n}", parent=district)
                for n in range(10)]
    unusable = make_password(None)
    User.objects.bulk_create(
        [User(username=f"cc{n:05d}", full_name=f"Nông Văn {n}", password=unusable, org_unit=communes[n % 10])
         for n in range(people)],
        batch_size=1000,
    )
    made = []
    for code in ("MC01", "BASE"):
        course = courses.create_course(actor=admin, code=code, title="Một cửa", topic="procedures", hours=4)
        module = courses.add_module(course=course, title="Chương 1")
        Lesson.objects.create(module=module, title="Bài 1")
        made.append(courses.publish_course(actor=admin, course=course))
    return admin, district, made[0], made[1]


if __name__ == "__main__":
    main()
