"""Reports in the admin: each role sees what the API shows it, and the download form keeps to the scope."""

import pytest

from reports import services
from reports.models import HoursRequirement, ReportSchedule
from tests.accounts.test_admin_scope import assert_missing, listed, signed_in
from tests.conftest import unit
from tests.factories import UserFactory

COVERED = {"reports.HoursRequirement", "reports.ReportSchedule"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_chodon(province):
    return UserFactory(username="tochuc2", full_name="Lý Văn Tổ", roles=["hr"], hr_scope=[unit("CHODON")])


def test_hours_requirements_are_read_by_hr_and_changed_by_admins(hr_babe, admin_user):
    row = HoursRequirement.objects.create(year=2026, hours=40)
    assert listed(hr_babe, "/admin/reports/hoursrequirement/") == {row.pk}
    assert signed_in(hr_babe).get("/admin/reports/hoursrequirement/add/").status_code == 403
    refused = signed_in(hr_babe).post(f"/admin/reports/hoursrequirement/{row.pk}/change/",
                                      {"year": 2026, "hours": "1", "position": ""})
    assert refused.status_code == 403
    saved = signed_in(admin_user).post(f"/admin/reports/hoursrequirement/{row.pk}/change/",
                                       {"year": 2026, "hours": "32", "position": ""})
    assert saved.status_code == 302
    row.refresh_from_db()
    assert row.hours == 32


def test_each_person_sees_and_pauses_only_their_own_schedules(hr_babe, hr_chodon, admin_user):
    mine = services.create_schedule(actor=hr_babe, kind="completion", format="csv", raw_filters={}, every="week")
    theirs = services.create_schedule(actor=hr_chodon, kind="hours", format="xlsx", raw_filters={}, every="month")
    assert listed(hr_babe, "/admin/reports/reportschedule/") == {mine.pk}
    assert listed(admin_user, "/admin/reports/reportschedule/") == {mine.pk, theirs.pk}
    assert_missing(hr_babe, ReportSchedule, theirs.pk)
    assert signed_in(hr_babe).get("/admin/reports/reportschedule/add/").status_code == 403
    paused = signed_in(hr_babe).post(f"/admin/reports/reportschedule/{mine.pk}/change/", {"active": ""})
    assert paused.status_code == 302
    mine.refresh_from_db()
    assert not mine.active


def test_the_download_form_answers_with_the_file_of_the_scope(hr_babe, learner, outsider):
    client = signed_in(hr_babe)
    page = client.get("/admin/reports/reportschedule/download/")
    assert page.status_code == 200
    offered = {int(str(value)) for value, _label in page.context["form"].fields["org_unit"].choices if str(value)}
    assert unit("CHODON").pk not in offered and unit("BABE-TG").pk in offered
    response = client.get("/admin/reports/reportschedule/download/", {"kind": "hours", "format": "csv"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert learner.full_name in body and outsider.full_name not in body
    outside = client.get("/admin/reports/reportschedule/download/",
                         {"kind": "hours", "format": "csv", "org_unit": unit("CHODON").pk})
    assert outside.status_code == 403, "refused as the API refuses it"
    wrong = client.get("/admin/reports/reportschedule/download/", {"kind": "hours", "format": "pdf"})
    assert wrong.status_code == 200 and wrong.context["error"]
    for strange in ("²", "１", "9" * 30):
        answer = client.get("/admin/reports/reportschedule/download/", {"kind": "hours", "format": "csv",
                                                                        "org_unit": strange})
        assert answer.status_code == 200 and answer.context["form"].errors["org_unit"], strange


def test_the_download_form_is_for_hr_and_admins(province, learner):
    instructor = UserFactory(roles=["instructor"], org_unit=unit("SNV"))
    assert signed_in(instructor).get("/admin/reports/reportschedule/download/").status_code == 403
    assert signed_in(learner).get("/admin/reports/reportschedule/download/").status_code == 302
