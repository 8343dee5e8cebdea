"""Reports made by a real Celery worker on PostgreSQL and Redis (.ci/run), and schedules claimed once under load."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from reports import services
from reports.models import ReportSchedule
from tests.conftest import client_for, unit, wait_for
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_makes_the_report_its_owner_downloads(worker_factory, hr_babe, learner, outsider):
    worker_factory().start()
    api = client_for(hr_babe)
    response = api.post("/api/v1/reports/", {"kind": "hours", "format": "csv"}, format="json")
    assert response.status_code == 202
    job_url = f"/api/v1/jobs/{response.json()['job']}/"
    wait_for(lambda: api.get(job_url).json()["status"] in ("done", "failed"), timeout=30, message="the report")
    job = api.get(job_url).json()
    assert job["status"] == "done", job
    body = b"".join(api.get(job["download_url"]).streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert learner.full_name in text and outsider.full_name not in text
    stranger = UserFactory(roles=["hr"], hr_scope=[unit("CHODON")])
    assert client_for(stranger).get(job["download_url"]).status_code == 404


def test_schedules_run_once_however_many_beats_run_at_once(hr_babe, learner):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED: PostgreSQL, as .ci/run provides")
    for kind in ("hours", "summary", "completion"):
        schedule = services.create_schedule(actor=hr_babe, kind=kind, format="csv", raw_filters={}, every="week")
        ReportSchedule.objects.filter(pk=schedule.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))
    mail.outbox.clear()
    counts, errors = [], []

    def run():
        try:
            counts.append(services.send_due_schedules())
        except Exception as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(counts) == 3 and len(mail.outbox) == 3, "each schedule sent once"
    assert ReportSchedule.objects.filter(next_run_at__lte=timezone.now()).count() == 0
