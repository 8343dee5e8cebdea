"""Reports as jobs (owner-only downloads) and on a schedule by e-mail: never an empty or failed file sent as fine."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from django.db import connection

from accounts.models import Job, User
from reports import queries, services
from reports.models import ReportSchedule
from tests.conftest import client_for, unit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_chodon(province):
    return UserFactory(username="tochuc2", full_name="Lý Văn Tổ", roles=["hr"], hr_scope=[unit("CHODON")])


def request_job(user, payload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client_for(user).post(reverse("api-report-jobs"), payload, format="json")


def test_a_report_job_is_made_by_the_worker_and_downloaded_by_its_owner_only(
        scene, hr_chodon, django_capture_on_commit_callbacks):
    response = request_job(scene["hr"], {"kind": "completion", "format": "xlsx",
                                         "filters": {"org_unit": unit("BABE-TG").pk}},
                           django_capture_on_commit_callbacks)
    assert response.status_code == 202
    job_id = response.json()["job"]
    job = client_for(scene["hr"]).get(f"/api/v1/jobs/{job_id}/").json()
    assert job["status"] == "done" and job["done"] == job["total"] == 3
    assert job["download_url"] == f"/api/v1/jobs/{job_id}/download/"
    download = client_for(scene["hr"]).get(job["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK"), "an XLSX (a ZIP)"
    assert client_for(hr_chodon).get(f"/api/v1/jobs/{job_id}/").status_code == 404
    assert client_for(hr_chodon).get(job["download_url"]).status_code == 404


@pytest.mark.parametrize("payload, field", [
    ({"kind": "salaries", "format": "csv"}, "kind"),
    ({"kind": "completion", "format": "pdf"}, "format"),
    ({"kind": "completion", "filters": ["org_unit"]}, "filters"),
    ({"kind": "completion", "filters": {"org_unit": [1, 2]}}, "org_unit"),
    ({"kind": "completion", "filters": {"status": "lost"}}, "status"),
    ({"kind": "completion", "filters": {"from": "yesterday"}}, "from"),
])
def test_bad_job_requests_are_400_with_the_field(scene, payload, field, django_capture_on_commit_callbacks):
    response = request_job(scene["hr"], payload, django_capture_on_commit_callbacks)
    assert response.status_code == 400, response.content
    assert field in str(response.json())
    assert not Job.objects.exists(), "nothing queued for a refused request"


def test_a_job_whose_owner_lost_the_unit_fails_plainly(scene, django_capture_on_commit_callbacks):
    hr = scene["hr"]
    job = services.request_report(actor=hr, kind="hours", format="csv", raw_filters={"org_unit": unit("BABE").pk})
    hr.hr_scope.set([unit("CHODON")])
    hr.__dict__.pop("_scope_paths", None)
    job = services.run_report_job(job.pk)
    assert job.status == Job.Status.FAILED and not job.file
    assert "phụ trách" in job.error


def test_schedules_belong_to_their_owner(scene, hr_chodon):
    hr = client_for(scene["hr"])
    created = hr.post("/api/v1/report-schedules/", {"kind": "summary", "format": "pdf", "every": "month",
                                                    "filters": {"org_unit": unit("BABE").pk}}, format="json")
    assert created.status_code == 201, created.json()
    schedule = created.json()
    assert schedule["active"] and schedule["next_run_at"]
    assert [row["id"] for row in hr.get("/api/v1/report-schedules/").json()["results"]] == [schedule["id"]]
    other = client_for(hr_chodon)
    assert other.get("/api/v1/report-schedules/").json()["results"] == []
    assert other.delete(f"/api/v1/report-schedules/{schedule['id']}/").status_code == 404
    paused = hr.patch(f"/api/v1/report-schedules/{schedule['id']}/", {"active": False, "kind": "hours"},
                      format="json")
    assert paused.status_code == 200 and paused.json()["active"] is False
    assert paused.json()["kind"] == "summary", "a schedule's report does not change"
    assert hr.delete(f"/api/v1/report-schedules/{schedule['id']}/").status_code == 204
    outside = hr.post("/api/v1/report-schedules/", {"kind": "hours", "format": "csv", "every": "week",
                                                    "filters": {"org_unit": unit("CHODON").pk}}, format="json")
    assert outside.status_code == 403
    bad = hr.post("/api/v1/report-schedules/", {"kind": "hours", "format": "csv", "every": "day"}, format="json")
    assert bad.status_code == 400 and "every" in bad.json()
    plain = hr.post("/api/v1/report-schedules/", {"kind": "completion", "every": "week"}, format="multipart")
    assert plain.status_code == 201 and plain.json()["format"] == "xlsx", "a form post with only what is required"


def due(schedule: ReportSchedule) -> ReportSchedule:
    ReportSchedule.objects.filter(pk=schedule.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))
    mail.outbox.clear()  # the scene's certificates were mailed
    return schedule


def test_a_due_schedule_mails_its_file_once(scene):
    schedule = due(services.create_schedule(actor=scene["hr"], kind="completion", format="csv", raw_filters={},
                                            every="week"))
    assert services.send_due_schedules() == 1
    [message] = mail.outbox
    assert message.to == [scene["hr"].email]
    assert message.subject == "Báo cáo định kỳ: Báo cáo kết quả hoàn thành"
    assert "4 dòng" in message.body and "/api/v1/jobs/" in message.body
    [(name, content, content_type)] = message.attachments
    assert name.endswith(".csv") and content_type.startswith("text/csv")
    assert content.startswith("\ufeff") and scene["outsider"].full_name not in content
    schedule.refresh_from_db()
    assert schedule.last_status == "sent" and schedule.next_run_at > timezone.now() + timedelta(days=6)
    assert services.send_due_schedules() == 0, "never sent twice"
    assert len(mail.outbox) == 1


def test_an_empty_report_is_mailed_as_empty_without_a_file(scene):
    due(services.create_schedule(actor=scene["hr"], kind="completion", format="xlsx",
                                 raw_filters={"status": "completed", "org_unit": unit("BABE").pk,
                                              "course": scene["digital"].pk}, every="month"))
    services.send_due_schedules()
    [message] = mail.outbox
    assert "không có dòng nào" in message.subject and not message.attachments
    assert ReportSchedule.objects.get().last_status == "empty"


def test_a_failed_report_is_mailed_as_failed_without_a_file(scene):
    hr = scene["hr"]
    due(services.create_schedule(actor=hr, kind="hours", format="csv", raw_filters={"org_unit": unit("BABE").pk},
                                 every="week"))
    hr.hr_scope.set([unit("CHODON")])
    services.send_due_schedules()
    [message] = mail.outbox
    assert "không lập được" in message.subject and not message.attachments
    assert "Lý do:" in message.body
    assert ReportSchedule.objects.get().last_status == "failed"


def test_a_paused_schedule_sends_nothing(scene):
    schedule = due(services.create_schedule(actor=scene["hr"], kind="hours", format="csv", raw_filters={},
                                            every="week"))
    ReportSchedule.objects.filter(pk=schedule.pk).update(active=False)
    assert services.send_due_schedules() == 0 and not mail.outbox


def test_a_monthly_schedule_keeps_its_day(scene):
    january_31 = timezone.make_aware(timezone.datetime(2027, 1, 31, 7, 0))
    schedule = ReportSchedule(every="month", created_at=january_31)
    february = schedule.following_run(january_31)
    assert february.date() == timezone.datetime(2027, 2, 28).date()
    assert schedule.following_run(february).date() == timezone.datetime(2027, 3, 31).date(), "the 31st comes back"
    weekly = ReportSchedule(every="week")
    assert weekly.following_run(january_31) - january_31 == timedelta(days=7)


@pytest.mark.django_db(transaction=True)
def test_a_download_reads_in_one_transaction_and_a_job_outside_it(learner):
    """A download streams from a cursor inside a transaction (PostgreSQL would otherwise run the whole
    query before the first row); a job reads outside one, so that the progress it writes shows at once."""
    UserFactory.create_batch(3)
    people = queries.streamed(User.objects.values_list("pk"))
    next(people)
    assert connection.in_atomic_block
    people.close()
    assert not connection.in_atomic_block
    with queries.progress_outside_transaction():
        people = queries.streamed(User.objects.values_list("pk"))
        next(people)
        assert not connection.in_atomic_block
        people.close()


def test_a_schedule_of_an_owner_without_an_address_is_recorded_as_not_sent(scene):
    hr = scene["hr"]
    due(services.create_schedule(actor=hr, kind="hours", format="csv", raw_filters={}, every="week"))
    type(hr).objects.filter(pk=hr.pk).update(email="")
    services.send_due_schedules()
    schedule = ReportSchedule.objects.get()
    assert schedule.last_status == "failed" and schedule.last_error


def test_the_schedules_of_someone_who_left_are_paused_and_send_nothing(scene):
    hr = scene["hr"]
    due(services.create_schedule(actor=hr, kind="hours", format="csv", raw_filters={}, every="week"))
    type(hr).objects.filter(pk=hr.pk).update(is_active=False)
    assert services.send_due_schedules() == 0 and not mail.outbox
    assert not ReportSchedule.objects.get().active


def test_a_report_that_took_its_worker_down_twice_is_failed(scene):
    job = services.request_report(actor=scene["hr"], kind="hours", format="csv", raw_filters={})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, parameters={**job.parameters, "tries": 2})
    job = services.run_report_job(job.pk)
    assert job.status == Job.Status.FAILED and not job.file


def test_a_report_too_large_to_download_at_once_points_to_a_job(scene, settings):
    settings.REPORTS_DIRECT_MAX_ROWS = 2
    response = client_for(scene["hr"]).get("/api/v1/reports/completion/")
    assert response.status_code == 400 and "POST /api/v1/reports/" in response.json()["detail"][0]
    assert client_for(scene["hr"]).get("/api/v1/reports/hours/").status_code == 200, "one row per official"
