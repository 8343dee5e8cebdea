"""`/hr/reports/`: each report with its filters, downloaded at once or made in the background; my jobs and
schedules; merging and dissolving units (administrators). Three personas: the officer of Ba Bể, a colleague
of the same district (another owner), the administrator."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Job, OrgUnit
from courses.models import Assignment, Course
from reports.models import ReportSchedule
from reports.services import REPORT_JOB, create_schedule, request_report
from tests.conftest import unit
from tests.factories import UserFactory, org_unit
from tests.frontend.conftest import browser_for
from tests.reports import conftest as report_fixtures

pytestmark = pytest.mark.django_db
# Ba Bể's learners in every state, and one of Chợ Đồn (tests/reports/conftest.py).
scene, instructor = report_fixtures.scene, report_fixtures.instructor

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def colleague(province):
    """Another HR officer of Ba Bể: same scope, different owner."""
    return UserFactory(username="tochuc2", full_name="Ma Văn Đồng Nghiệp", roles=["hr"], hr_scope=[unit("BABE")])


def html(response) -> str:
    return response.content.decode()


def field_names(page: str, form_id: str = "report") -> set[str]:
    """The names of the inputs and selects of the report section's form."""
    section = page.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]
    return set(re.findall(r'<(?:input|select)[^>]*\bname="([^"]+)"', section))


def options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM):].decode("utf-8"))))


# The report form ------------------------------------------------------------


@pytest.mark.parametrize(("kind", "fields"), [
    ("completion", {"kind", "course", "org_unit", "status", "from", "to", "format"}),
    ("attendance", {"kind", "event", "course", "org_unit", "from", "to", "format"}),
    ("hours", {"kind", "org_unit", "year", "format"}),
    ("summary", {"kind", "org_unit", "year", "format"}),
])
def test_each_report_asks_exactly_for_the_filters_it_takes(scene, kind, fields):
    page = browser_for(scene["hr"]).get("/hr/reports/", {"kind": kind})
    assert page.status_code == 200
    text = html(page)
    assert field_names(text) == fields
    assert f'name="kind" value="{kind}"' in text
    assert ('value="pdf"' in text.split('id="report"', 1)[1].split("</form>", 1)[0]) == (kind == "summary")
    for label in ("Tải về ngay", "Tạo trong nền"):
        assert label in text


def test_the_form_explains_each_report_and_offers_only_the_units_in_charge(scene):
    text = html(browser_for(scene["hr"]).get("/hr/reports/"))
    assert "Mỗi dòng là một lượt ghi danh" in text  # what the completion report holds
    units = options(text, "org_unit")
    assert units[0] == "Tất cả các đơn vị tôi phụ trách"
    assert "Huyện Ba Bể" in units and "— Xã Thượng Giáo" in units
    assert not any("Chợ Đồn" in name or "Bằng Lãng" in name for name in units)
    assert "CCHC-01 — " in " ".join(options(text, "course"))
    assert 'aria-current="page"' in text and "Báo cáo kết quả hoàn thành" in text


def test_the_page_is_for_hr_officers_and_administrators(scene, admin_user):
    assert browser_for(scene["learner"]).get("/hr/reports/").status_code == 403
    assert browser_for(scene["learner"]).get("/hr/reports/download", {"kind": "summary"}).status_code == 403
    assert browser_for(admin_user).get("/hr/reports/").status_code == 200
    assert Client().get("/hr/reports/").status_code == 302


# Downloads at once ------------------------------------------------------------


def test_download_now_gives_the_people_of_the_scope_in_a_csv_with_a_bom(scene):
    response = browser_for(scene["hr"]).get("/hr/reports/download", {
        "kind": "completion", "format": "csv", "course": "", "org_unit": "", "status": "", "from": "", "to": "",
    })
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-hoan-thanh-')
    rows = csv_rows(b"".join(response.streaming_content))
    names = sorted({row[1] for row in rows[1:]})
    assert names == sorted({scene["learner"].full_name, "'" + scene["formula"].full_name,
                            scene["idle"].full_name})
    assert len(rows) == 1 + 4  # the header, then one row per enrolment in Ba Bể


def test_download_now_keeps_to_the_chosen_unit_and_status(scene):
    response = browser_for(scene["hr"]).get("/hr/reports/download", {
        "kind": "completion", "format": "csv", "org_unit": unit("BABE-TG").pk, "status": "overdue",
    })
    rows = csv_rows(b"".join(response.streaming_content))
    assert [(row[1], row[3]) for row in rows[1:]] == [(scene["learner"].full_name, "CDS-01")]


def test_download_now_as_xlsx_and_the_printable_pdf(scene):
    client = browser_for(scene["hr"])
    xlsx = client.get("/hr/reports/download", {"kind": "hours", "format": "xlsx", "year": scene["year"]})
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content).startswith(b"PK")
    pdf = client.get("/hr/reports/download", {"kind": "summary", "format": "pdf", "org_unit": unit("BABE").pk})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"from": "2026-05-01", "to": "2026-04-01"}, "to", "trước ngày đầu kỳ"),
    ({"from": "ngày mai"}, "from", "Ngày sai định dạng"),
    ({"status": "lost"}, "status", "lost"),
    ({"format": "pdf"}, "format", "csv, xlsx"),
])
def test_bad_filters_redisplay_the_form_with_the_fields_error(scene, query, field, message):
    response = browser_for(scene["hr"]).get("/hr/reports/download", {"kind": "completion", **query})
    assert response.status_code == 400
    text = html(response)
    assert f'id="id_{field}_error"' in text and message in text
    assert 'class="error-summary"' in text
    assert scene["learner"].full_name not in text


def test_a_unit_outside_the_scope_is_refused_beside_its_field(scene):
    response = browser_for(scene["hr"]).get("/hr/reports/download", {"kind": "hours", "org_unit": unit("CHODON").pk})
    assert response.status_code == 403
    text = html(response)
    assert 'id="id_org_unit_error"' in text and "ngoài các đơn vị" in text
    assert scene["outsider"].full_name not in text


def test_an_unknown_report_is_refused(scene):
    response = browser_for(scene["hr"]).get("/hr/reports/download", {"kind": "everything"})
    assert response.status_code == 400 and "Hãy chọn một báo cáo" in html(response)


# Background jobs -------------------------------------------------------------


def test_a_background_report_is_confirmed_made_and_listed(scene, django_capture_on_commit_callbacks):
    client = browser_for(scene["hr"])
    query = {"kind": "completion", "format": "csv", "org_unit": unit("BABE").pk, "status": "", "course": ""}
    confirm = client.get("/hr/reports/jobs/new/", query)
    assert confirm.status_code == 200 and "Xác nhận" in html(confirm) and "Huyện Ba Bể" in html(confirm)
    assert not Job.objects.exists(), "nothing is made before the confirmation"
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post("/hr/reports/jobs/new/", query)
    job = Job.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/hr/reports/jobs/{job.pk}/"
    assert (job.owner, job.kind, job.status) == (scene["hr"], REPORT_JOB, Job.Status.DONE)
    assert job.parameters["filters"] == {"org_unit": str(unit("BABE").pk)}
    page = html(client.get(made["Location"]))
    assert 'class="job-progress"' in page and f"/api/v1/jobs/{job.pk}/download/" in page
    listed = html(client.get("/hr/reports/"))
    assert f"/hr/reports/jobs/{job.pk}/" in listed and f"/api/v1/jobs/{job.pk}/download/" in listed
    body = b"".join(client.get(f"/api/v1/jobs/{job.pk}/download/").streaming_content)
    assert {row[1] for row in csv_rows(body)[1:]} == {scene["learner"].full_name, "'" + scene["formula"].full_name,
                                                      scene["idle"].full_name}


def test_a_background_report_with_bad_filters_is_refused_and_nothing_is_made(scene):
    client = browser_for(scene["hr"])
    response = client.post("/hr/reports/jobs/new/", {"kind": "completion", "format": "xlsx",
                                                      "from": "2026-05-01", "to": "2026-01-01"})
    assert response.status_code == 400 and 'id="id_to_error"' in html(response)
    outside = client.get("/hr/reports/jobs/new/", {"kind": "summary", "org_unit": unit("CHODON").pk})
    assert outside.status_code == 403
    assert not Job.objects.exists()


def test_my_recent_reports_are_mine_only_newest_first_and_at_most_ten(scene, colleague):
    mine = [request_report(actor=scene["hr"], kind="summary", format="csv", raw_filters={}) for _ in range(12)]
    theirs = request_report(actor=colleague, kind="hours", format="csv", raw_filters={})
    page = browser_for(scene["hr"]).get("/hr/reports/")
    assert [job.pk for job in page.context["jobs"]] == [job.pk for job in reversed(mine[2:])]
    assert f"/hr/reports/jobs/{theirs.pk}/" not in html(page)
    assert browser_for(scene["hr"]).get(f"/hr/reports/jobs/{theirs.pk}/").status_code == 404
    other_kind = Job.objects.create(owner=scene["hr"], kind="bulk_certificates")
    assert browser_for(scene["hr"]).get(f"/hr/reports/jobs/{other_kind.pk}/").status_code == 404


# Schedules ---------------------------------------------------------------------


def test_a_schedule_is_made_from_the_report_form(scene):
    client = browser_for(scene["hr"])
    query = {"kind": "completion", "format": "xlsx", "org_unit": unit("BABE-TG").pk, "status": "overdue"}
    form = client.get("/hr/reports/schedules/new/", query)
    assert form.status_code == 200 and "Xã Thượng Giáo" in html(form) and "Quá hạn" in html(form)
    refused = client.post("/hr/reports/schedules/new/", {**query, "every": "day"})
    assert refused.status_code == 400 and 'id="id_every_error"' in html(refused)
    assert not ReportSchedule.objects.exists()
    saved = client.post("/hr/reports/schedules/new/", {**query, "every": "week"})
    assert saved.status_code == 302 and saved["Location"] == "/hr/reports/#schedules"
    schedule = ReportSchedule.objects.get()
    assert (schedule.owner, schedule.kind, schedule.format, schedule.every, schedule.active) == (
        scene["hr"], "completion", "xlsx", "week", True)
    assert schedule.filters == {"org_unit": str(unit("BABE-TG").pk), "status": "overdue"}
    page = html(client.get("/hr/reports/"))
    assert "Hằng tuần" in page and "Trạng thái: Quá hạn" in page and "Đơn vị: Xã Thượng Giáo" in page


def test_a_schedule_is_paused_resumed_and_deleted_after_confirmation(scene):
    schedule = create_schedule(actor=scene["hr"], kind="summary", format="xlsx", raw_filters={}, every="month")
    client = browser_for(scene["hr"])
    assert client.post(f"/hr/reports/schedules/{schedule.pk}/pause/").status_code == 302
    schedule.refresh_from_db()
    assert not schedule.active
    assert "Tạm dừng" in html(client.get("/hr/reports/"))
    client.post(f"/hr/reports/schedules/{schedule.pk}/resume/")
    schedule.refresh_from_db()
    assert schedule.active
    ask = client.get(f"/hr/reports/schedules/{schedule.pk}/delete/")
    assert ask.status_code == 200 and "Xác nhận" in html(ask)
    assert ReportSchedule.objects.filter(pk=schedule.pk).exists()
    client.post(f"/hr/reports/schedules/{schedule.pk}/delete/")
    assert not ReportSchedule.objects.filter(pk=schedule.pk).exists()


def test_another_officers_schedule_does_not_exist_for_me(scene, colleague):
    theirs = create_schedule(actor=colleague, kind="hours", format="csv", raw_filters={}, every="week")
    client = browser_for(scene["hr"])
    assert not browser_for(scene["hr"]).get("/hr/reports/").context["schedules"]
    for action in ("pause", "resume", "delete"):
        assert client.post(f"/hr/reports/schedules/{theirs.pk}/{action}/").status_code == 404
    assert client.get(f"/hr/reports/schedules/{theirs.pk}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active


# Merging and dissolving units --------------------------------------------------


def test_hr_officers_neither_see_nor_use_the_unit_changes(scene):
    client = browser_for(scene["hr"])
    assert 'id="org-units"' not in html(client.get("/hr/reports/"))
    today = timezone.localdate().isoformat()
    for url, data in (("/hr/reports/org-units/merge/", {"org_unit": unit("BABE-TG").pk, "into": unit("BABE").pk,
                                                        "on": today, "confirmed": "1"}),
                      ("/hr/reports/org-units/dissolve/", {"org_unit": unit("BABE").pk, "on": today,
                                                           "confirmed": "1"})):
        assert client.post(url, data).status_code == 403
        assert client.get(url).status_code == 403
    assert OrgUnit.objects.active().count() == 6


def test_an_administrator_merges_a_unit_after_seeing_what_moves(scene, admin_user):
    Assignment.objects.create(course=scene["digital"], org_unit=unit("BABE-TG"), due_date=timezone.localdate())
    client = browser_for(admin_user)
    assert 'id="org-units"' in html(client.get("/hr/reports/"))
    data = {"org_unit": unit("BABE-TG").pk, "into": unit("BABE").pk, "on": timezone.localdate().isoformat()}
    confirm = client.post("/hr/reports/org-units/merge/", data)
    text = html(confirm)
    assert confirm.status_code == 200 and "Xác nhận" in text
    assert "2 người" in text and "1 khóa học bắt buộc" in text  # the learner and the formula, one assignment
    assert unit("BABE-TG").is_active, "nothing moves before the confirmation"
    done = client.post("/hr/reports/org-units/merge/", {**data, "confirmed": "1"})
    assert done.status_code == 302
    merged = unit("BABE-TG")
    assert merged.merged_into == unit("BABE")
    scene["learner"].refresh_from_db()
    assert scene["learner"].org_unit == unit("BABE")


def test_a_refused_merge_shows_the_services_reason_beside_the_field(scene, admin_user):
    client = browser_for(admin_user)
    into_itself = client.post("/hr/reports/org-units/merge/", {
        "org_unit": unit("BABE").pk, "into": unit("BABE-TG").pk, "on": timezone.localdate().isoformat(),
        "confirmed": "1"})
    assert into_itself.status_code == 400 and 'id="merge-into_error"' in html(into_itself)
    future = client.post("/hr/reports/org-units/merge/", {
        "org_unit": unit("BABE-TG").pk, "into": unit("BABE").pk,
        "on": (timezone.localdate() + timedelta(days=3)).isoformat(), "confirmed": "1"})
    assert future.status_code == 400 and 'id="merge-on_error"' in html(future)
    assert OrgUnit.objects.active().count() == 6


def test_an_administrator_dissolves_a_unit(scene, admin_user):
    client = browser_for(admin_user)
    data = {"org_unit": unit("BABE").pk, "on": timezone.localdate().isoformat()}
    text = html(client.post("/hr/reports/org-units/dissolve/", data))
    assert "Tỉnh Bắc Kạn" in text and "Xác nhận" in text
    assert client.post("/hr/reports/org-units/dissolve/", {**data, "confirmed": "1"}).status_code == 302
    assert unit("BABE").dissolved_on == timezone.localdate()
    assert unit("BABE-TG").parent == unit("BK")


# Queries -------------------------------------------------------------------------


def grow(officer, size: int) -> None:
    """More of everything the page lists: units, people, jobs, schedules with filters."""
    first = ReportSchedule.objects.filter(owner=officer).count()
    courses = list(Course.objects.order_by("pk").values_list("pk", flat=True)[:2])  # ids differ on PostgreSQL
    for number in range(first, first + size):
        place = org_unit(f"Thôn {officer.pk}-{number}", parent=unit("BABE-TG"), code=f"T{officer.pk}-{number}")
        UserFactory(org_unit=place, roles=["learner"])
        request_report(actor=officer, kind="completion", format="csv",
                       raw_filters={"org_unit": place.pk, "from": "2026-01-01"})
        create_schedule(actor=officer, kind="attendance", format="xlsx", every="week",
                        raw_filters={"org_unit": place.pk, "course": courses[number % len(courses)]})


@pytest.mark.parametrize("who", ["hr", "admin"])
def test_the_page_runs_a_fixed_number_of_queries(scene, admin_user, django_assert_max_num_queries, who):
    officer = scene["hr"] if who == "hr" else admin_user
    client = browser_for(officer)
    grow(officer, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/hr/reports/", {"kind": "attendance"}).status_code == 200
    grow(officer, 8)
    with django_assert_max_num_queries(len(few)):
        assert client.get("/hr/reports/", {"kind": "attendance"}).status_code == 200
