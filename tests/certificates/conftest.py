import pytest

from accounts import notifications
from certificates import services


@pytest.fixture(autouse=True)
def _issue_at_once(request, monkeypatch):
    """A test's transaction never commits: what waits for the commit runs at once (eager Celery runs the task)."""
    if "transactional_db" in request.fixturenames or request.node.get_closest_marker("worker"):
        return
    if request.node.get_closest_marker("django_db") and request.node.get_closest_marker("django_db").kwargs.get(
            "transaction"):
        return
    monkeypatch.setattr(services, "after_commit", lambda callback: callback())
    monkeypatch.setattr(notifications, "after_commit", lambda callback: callback())  # the holders' e-mails
