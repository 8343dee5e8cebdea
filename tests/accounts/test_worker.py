"""With a real worker process and broker (run by .ci/run against PostgreSQL and Redis)."""

import pytest

from accounts.models import User
from tests.conftest import client_for, unit, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_sends_the_invitation_of_a_person_created_without_password(
    celery_worker_process, admin_user, province
):
    response = client_for(admin_user).post("/api/v1/users/", {
        "username": "moi", "full_name": "Ma Thị Mới", "email": "moi@backan.gov.vn",
        "employee_code": "BK-MOI", "org_unit": unit("BABE").pk, "roles": ["learner"],
    })
    assert response.status_code == 201, response.content

    def invited():
        person = User.objects.get(username="moi")
        return not person.invitation_pending and person.invited_at is not None

    wait_for(invited, message="the invitation to be sent by the worker")


def test_healthz_sees_the_real_broker(client, celery_worker_process):
    assert client.get("/healthz").json() == {"database": "ok", "broker": "ok"}
