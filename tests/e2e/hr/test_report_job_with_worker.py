"""An HR officer has a completion report made in the background by a real Celery worker, follows its progress
bar and downloads it: the bytes start with the byte-order mark and hold exactly Ba Bể's people.

Runs in .ci/run's PostgreSQL pass (a real worker needs PostgreSQL and Redis); the
same page with tasks run in-process is in test_reports_walk.py.
"""

from pathlib import Path

import pytest

from accounts.models import Job
from courses import services as course_services
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.e2e.browser import check_accessibility, needs_chromium, shoot
from tests.e2e.hr.test_reports_walk import names_in
from tests.e2e.teaching.conftest import person

pytestmark = [pytest.mark.e2e, pytest.mark.worker, needs_chromium]


def test_a_report_made_by_the_worker_is_followed_and_downloaded(celery_worker_process, hr_page, screenshots):
    from playwright.sync_api import expect

    teacher = person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))
    course = build_course(teacher, code="CCHC-01", title="Cơ chế một cửa, một cửa liên thông")
    ours = [person(f"hocvien{number}", ["learner"], full_name=f"Hoàng Thị Học {number}", org_unit=unit("BABE-TG"))
            for number in range(3)]
    theirs = person("ngoai", ["learner"], full_name="Lục Thị Ngoài", org_unit=unit("CHODON-BL"))
    for someone in [*ours, theirs]:
        course_services.enroll(user=someone, course=course)
    page = hr_page

    page.goto("/hr/reports/")
    page.get_by_label("Khóa học").select_option(str(course.pk))
    page.get_by_label("Tệp CSV").check()
    page.get_by_role("button", name="Tạo trong nền").click()
    page.get_by_role("button", name="Xác nhận").click()
    # The worker, not this process, makes the file: the page's progress bar follows the job until its link shows.
    link = page.locator("[data-job-download]")
    expect(link).to_be_visible(timeout=60_000)
    job = Job.objects.get(owner__username="tochuc")
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    check_accessibility(page, "/hr/reports/jobs/{id}/ made by the worker")
    shoot(page, screenshots, "job-by-worker")
    with page.expect_download() as made:
        link.click()
    assert names_in(Path(made.value.path()).read_bytes()) == {someone.full_name for someone in ours}
