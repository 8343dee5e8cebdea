"""The HR reports: exactly the scope's people, derived statuses, hours, formats, refusals, query counts."""

import csv
import io
import subprocess
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from certificates.models import Certificate
from courses.models import Enrollment, Topic
from quizzes.models import Attempt
from reports.models import HoursRequirement
from tests.conftest import client_for, unit
from tests.factories import UserFactory
from training import services as training_services

pytestmark = pytest.mark.django_db


def get_report(user, kind, **params):
    response = client_for(user).get(reverse("api-report", args=[kind]), params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def by_name(rows):
    return {row[1]: row for row in rows[1:]}


def test_completion_csv_holds_exactly_the_scope_with_derived_statuses(scene):
    response, body = get_report(scene["hr"], "completion")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="bao-cao-hoan-thanh-' in response["Content-Disposition"]
    rows = csv_rows(body)
    assert rows[0] == ["Mã cán bộ", "Họ và tên", "Đơn vị", "Mã khóa học", "Tên khóa học", "Ngày ghi danh", "Hạn hoàn thành",
                       "Trạng thái", "Ngày hoàn thành", "Điểm bài kiểm tra (%)", "Mã chứng nhận"]
    people = {(row[1], row[3]): row for row in rows[1:]}
    learner, formula, idle = scene["learner"], scene["formula"], scene["idle"]
    assert set(people) == {
        (learner.full_name, "CCHC-01"), (learner.full_name, "CDS-01"),
        ("'" + formula.full_name, "CDS-01"), (idle.full_name, "CCHC-01"),
    }, "the outsider of Chợ Đồn is not in Ba Bể's report"
    done = people[(learner.full_name, "CCHC-01")]
    assert done[7] == "Đã hoàn thành"
    assert done[9] == "90", "the highest of 40 and 90"
    certificate = Certificate.objects.get(enrollment__user=learner, enrollment__course=scene["procedures"])
    assert done[10] == certificate.code
    assert done[8].startswith(str(timezone.localdate().year))
    assert people[(learner.full_name, "CDS-01")][7] == "Quá hạn"
    assert people[("'" + formula.full_name, "CDS-01")][7] == "Đang học"
    assert people[(idle.full_name, "CCHC-01")][7] == "Chưa bắt đầu"
    assert people[(idle.full_name, "CCHC-01")][9] == ""


def test_in_progress_means_the_same_in_the_report_and_on_the_learners_page(scene, client):
    idle = scene["idle"]
    Attempt.objects.create(quiz=scene["quiz"], user=idle, status=Attempt.Status.IN_PROGRESS)
    _response, body = get_report(scene["hr"], "completion", course=scene["procedures"].pk)
    assert by_name(csv_rows(body))[idle.full_name][7] == "Đang học", "a quiz begun, no lesson yet"
    client.force_login(idle)
    assert "Đang học" in client.get("/").content.decode()


def test_filters_by_status_unit_course_and_period(scene):
    hr = scene["hr"]
    _response, body = get_report(hr, "completion", status="overdue")
    assert [row[3] for row in csv_rows(body)[1:]] == ["CDS-01"]
    _response, body = get_report(hr, "completion", org_unit=unit("BABE-TG").pk, course=scene["procedures"].pk)
    assert [row[1] for row in csv_rows(body)[1:]] == [scene["learner"].full_name]
    tomorrow = timezone.localdate() + timedelta(days=1)
    _response, body = get_report(hr, "completion", **{"from": tomorrow.isoformat()})
    assert {row[7] for row in csv_rows(body)[1:]} == {"Quá hạn", "Đang học", "Chưa bắt đầu"}, \
        "completed before the period began: not open in it"


def test_headers_and_statuses_follow_the_request_language(scene):
    response = client_for(scene["hr"]).get(reverse("api-report", args=["completion"]), HTTP_ACCEPT_LANGUAGE="en")
    rows = csv_rows(b"".join(response.streaming_content))
    assert rows[0][:2] == ["Employee code", "Full name"]
    assert "Completed" in {row[7] for row in rows[1:]}


def test_xlsx_is_typed_bold_frozen_and_formula_safe(scene, tmp_path):
    response, body = get_report(scene["hr"], "completion", format="xlsx")
    assert response.status_code == 200
    path = tmp_path / "report.xlsx"
    path.write_bytes(body)
    sheet = load_workbook(path).active
    header = [cell for cell in sheet[1]]
    assert header[0].value == "Mã cán bộ" and header[0].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > 20
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    formula = rows["'" + scene["formula"].full_name]
    assert formula[1].data_type == "s", "a name starting with = is text, never a formula"
    done = next(row for row in sheet.iter_rows(min_row=2) if row[7].value == "Đã hoàn thành")
    assert isinstance(done[5].value, datetime) and isinstance(done[8].value, datetime)
    assert done[9].value == 90 and done[9].data_type == "n"
    overdue = next(row for row in sheet.iter_rows(min_row=2) if row[7].value == "Quá hạn")
    assert overdue[6].value.date() == scene["overdue"].due_date


def test_attendance_report(scene):
    _response, body = get_report(scene["hr"], "attendance")
    rows = csv_rows(body)
    assert rows[0][7:] == ["Số buổi", "Có mặt", "Đi muộn", "Vắng có phép", "Vắng", "Chưa ghi nhận",
                           "Đạt yêu cầu chuyên cần", "Mã chứng nhận"]
    people = by_name(rows)
    learner = people[scene["learner"].full_name]
    assert learner[3] == "Hội nghị" and learner[7:12] == ["2", "1", "1", "0", "0"]
    assert learner[13] == "Có"
    assert learner[14] == Certificate.objects.get(event=scene["conference"], holder=scene["learner"]).code
    formula = people["'" + scene["formula"].full_name]
    assert formula[7:14] == ["2", "0", "0", "0", "1", "1", "Không"] and formula[14] == ""


def test_hours_report_by_topic_against_the_requirement(scene, admin_user):
    year = scene["year"]
    HoursRequirement.objects.create(year=year - 1, hours=5)
    HoursRequirement.objects.create(year=year, position="chủ tịch ubnd xã", hours=60)
    _response, body = get_report(scene["hr"], "hours", year=year)
    rows = csv_rows(body)
    with translation.override("vi"):
        topics = [str(label) for _value, label in Topic.choices]
    assert rows[0][3:] == [*topics, "Tổng số giờ", "Số giờ yêu cầu", "Đạt yêu cầu"]
    assert topics[0] == "Cải cách thể chế" and topics[-1] == "Khác"
    people = by_name(rows)
    learner = people[scene["learner"].full_name]
    # 4 h of the completed procedures course, 2 h of the conference attended (digital government).
    assert learner[3:] == ["0", "4", "0", "0", "0", "2", "0", "6", "5", "Có"]
    assert people[scene["idle"].full_name][10:] == ["0", "60", "Không"], "the position's own row"
    assert scene["outsider"].full_name not in people
    mine = client_for(scene["learner"]).get(reverse("api-my-training-hours")).json()
    assert mine[0] == {"year": year, "hours": "6.0", "courses": 1, "required": "5.0"}, \
        "the learner's own page agrees with the report"


def test_summary_rolls_up_the_tree(scene):
    _response, body = get_report(scene["hr"], "summary")
    rows = csv_rows(body)
    assert rows[0] == ["Mã đơn vị", "Đơn vị", "Mã đơn vị cấp trên", "Số người", "Số lượt ghi danh", "Đã hoàn thành",
                       "Quá hạn", "Tỷ lệ hoàn thành (%)", "Số người chưa đủ giờ bồi dưỡng"]
    figures = {row[0]: row[2:] for row in rows[1:]}
    assert set(figures) == {"BABE", "BABE-TG"}
    # Ba Bể: idle + (learner, formula in Thượng Giáo); 4 enrolments, 1 completed, 1 overdue.
    assert figures["BABE"] == ["BK", "3", "4", "1", "1", "25", "3"]
    assert figures["BABE-TG"] == ["BABE", "2", "3", "1", "1", "33.3", "2"]


def test_summary_pdf_is_an_administrative_report(scene, tmp_path):
    response, body = get_report(scene["hr"], "summary", format="pdf")
    assert response.status_code == 200 and body.startswith(b"%PDF")
    path = tmp_path / "summary.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Huyện Ba Bể",
                  "Xã Thượng Giáo", "NGƯỜI LẬP BIỂU", scene["hr"].full_name, "Kính gửi"):
        assert words in text, words


@pytest.mark.parametrize("params, field", [
    ({"format": "xml"}, "format"),
    ({"status": "lost"}, "status"),
    ({"from": "2026-02-30"}, "from"),
    ({"from": "2026-03-02", "to": "2026-03-01"}, "to"),
    ({"org_unit": "99999999999999999999999"}, "org_unit"),
    ({"course": "12abc"}, "course"),
    ({"course": "999999"}, "course"),
    ({"year": "1800"}, "year"),
    ({"to": "9999-12-31"}, "to"),
    ({"from": "0001-01-01"}, "from"),
])
def test_bad_filters_are_400_with_the_field(scene, params, field):
    response, body = get_report(scene["hr"], "completion", **params)
    assert response.status_code == 400, body
    assert field in response.json()


def test_unknown_kind_and_pdf_of_a_row_report(scene):
    assert get_report(scene["hr"], "salaries")[0].status_code == 400
    response, _body = get_report(scene["hr"], "completion", format="pdf")
    assert response.status_code == 400 and "format" in response.json()


def test_scope_is_enforced_on_every_door(scene, admin_user):
    hr, learner = scene["hr"], scene["learner"]
    outside = unit("CHODON")
    for kind in ("completion", "attendance", "hours", "summary"):
        assert get_report(hr, kind, org_unit=outside.pk)[0].status_code == 403
        assert get_report(learner, kind)[0].status_code == 403
    jobs = client_for(hr).post(reverse("api-report-jobs"),
                               {"kind": "completion", "format": "csv", "filters": {"org_unit": outside.pk}},
                               format="json")
    assert jobs.status_code == 403
    nobody = UserFactory(roles=["hr"])
    assert get_report(nobody, "completion")[0].status_code == 403, "an officer with no unit gets no empty file"
    _response, body = get_report(admin_user, "completion")
    assert scene["outsider"].full_name in body.decode(), "an administrator sees the whole province"


def test_a_fixed_number_of_queries_whatever_the_rows(scene, django_assert_max_num_queries):
    hr, kinds = scene["hr"], ("completion", "attendance", "hours", "summary")
    counts = {}
    for kind in kinds:
        with CaptureQueriesContext(connection) as queries:
            get_report(hr, kind)
        counts[kind] = len(queries)
    people = [UserFactory(org_unit=unit("BABE-TG"), roles=["learner"]) for _number in range(40)]
    for person in people:
        Enrollment.objects.create(user=person, course=scene["procedures"])
        Enrollment.objects.create(user=person, course=scene["digital"])
        Attempt.objects.create(quiz=scene["quiz"], user=person, status=Attempt.Status.SCORED, percent=70)
    training_services.add_to_roster(actor=scene["conference"].instructors.first(), event=scene["conference"],
                                    user_ids=[person.pk for person in people])
    for kind in kinds:
        with django_assert_max_num_queries(counts[kind]):
            response, body = get_report(hr, kind)
        assert response.status_code == 200
    assert len(csv_rows(get_report(hr, "completion")[1])) == 1 + 4 + 80


def test_hours_requirements_are_data_admins_edit(scene, admin_user):
    url = reverse("api-hours-requirements")
    rows = [{"year": 2025, "hours": "40"}, {"year": 2026, "hours": "32", "position": "Chuyên viên"}]
    assert client_for(scene["hr"]).put(url, rows, format="json").status_code == 403
    response = client_for(admin_user).put(url, rows, format="json")
    assert response.status_code == 200, response.json()
    assert client_for(scene["hr"]).get(url).json() == [
        {"year": 2025, "hours": "40.0", "position": ""}, {"year": 2026, "hours": "32.0", "position": "Chuyên viên"},
    ]
    twice = client_for(admin_user).put(url, [*rows, {"year": 2025, "hours": "1"}], format="json")
    assert twice.status_code == 400 and "year" in twice.json()["2"]
    bad = client_for(admin_user).put(url, [{"year": 2025, "hours": "-1"}], format="json")
    assert bad.status_code == 400 and "hours" in bad.json()["0"]
    assert HoursRequirement.objects.count() == 2, "a refused table changes nothing"
    assert client_for(admin_user).put(url, {"year": 2025}, format="json").status_code == 400


def test_requirement_holds_until_a_later_year(scene):
    from reports.hours import Requirements

    HoursRequirement.objects.create(year=2024, hours=Decimal("30"))
    HoursRequirement.objects.create(year=2026, hours=Decimal("35"))
    HoursRequirement.objects.create(year=2025, position="Chuyên viên", hours=Decimal("50"))
    assert Requirements(2023).of("") == 40, "the default before any row"
    assert Requirements(2025).of("") == 30
    assert Requirements(2025).of(" chuyên VIÊN ") == 50
    assert Requirements(2027).of("") == 35
    assert Requirements(2027).of("Chuyên viên") == 35, "a later rule for everyone replaces the positions' rules"
