from unittest import mock

from kombu.exceptions import OperationalError


def test_healthz_reports_the_database_and_the_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_healthz_names_a_broker_that_is_down(client, db):
    with mock.patch("kombu.Connection.ensure_connection", side_effect=OperationalError("refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("down")


def test_healthz_names_a_database_that_is_down(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=Exception("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("down")
