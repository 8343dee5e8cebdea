import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from config.celery import app as celery_app
from tests.factories import UserFactory, org_unit


@pytest.fixture(autouse=True)
def _clean_cache_and_eager_celery(request):
    """Each test starts with empty throttles; tasks run in-process unless a real worker is asked for."""
    cache.clear()
    eager = request.node.get_closest_marker("worker") is None
    celery_app.conf.task_always_eager = eager
    celery_app.conf.task_eager_propagates = eager
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _vietnamese_first():
    """Each test starts in the default language: a request in English leaves English active in this thread."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Stored files (certificates, lesson files, job files) go to the test's own folder, not var/media.

    A real worker started by `worker_factory` has VAR_DIR=tmp_path, so its media folder is this one too.
    """
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def province(db):
    """A small province: two districts with a commune each, and a department."""
    root = org_unit("Tỉnh Bắc Kạn", code="BK", kind="province")
    district = org_unit("Huyện Ba Bể", parent=root, code="BABE", kind="district")
    org_unit("Xã Thượng Giáo", parent=district, code="BABE-TG", kind="commune")
    other = org_unit("Huyện Chợ Đồn", parent=root, code="CHODON", kind="district")
    org_unit("Xã Bằng Lãng", parent=other, code="CHODON-BL", kind="commune")
    org_unit("Sở Nội vụ", parent=root, code="SNV", kind="department")
    return root


def unit(code: str):
    from accounts.models import OrgUnit

    return OrgUnit.objects.get(code=code)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", full_name="Quản Trị Viên", roles=["admin"])


@pytest.fixture
def hr_babe(province):
    """An HR officer who answers for Ba Bể district only."""
    return UserFactory(username="tochuc", full_name="Hoàng Thị Tổ Chức", roles=["hr"], hr_scope=[unit("BABE")])


@pytest.fixture
def learner(province):
    return UserFactory(username="hocvien", full_name="Nông Văn Học", org_unit=unit("BABE-TG"), roles=["learner"])


@pytest.fixture
def outsider(province):
    """A learner in another district, outside the HR officer's scope."""
    return UserFactory(username="ngoai", full_name="Lục Thị Ngoài", org_unit=unit("CHODON-BL"), roles=["learner"])


class Worker:
    """A real `celery -A config worker` process on the real broker and the test database.

    Tasks go to a queue of this test's own, so no other worker can take them.
    `start()` again after `kill()` brings up a fresh process on the same queue.
    """

    def __init__(self, env: dict, log_dir, beat: bool = False):
        self.env, self.log_dir, self.beat = env, log_dir, beat
        self.process, self.runs = None, 0

    def start(self) -> "Worker":
        import subprocess
        import sys
        import time

        self.runs += 1
        self.log = self.log_dir / f"worker-{self.runs}.log"
        queue = self.env["CELERY_TASK_DEFAULT_QUEUE"]
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--concurrency", "2",
                   "--loglevel", "INFO", "--without-gossip", "--without-mingle", "-n", f"{queue}-{self.runs}@%h"]
        if self.beat:
            command += ["--beat", "--schedule", str(self.log_dir / f"beat-{self.runs}")]
        with open(self.log, "w") as output:
            self.process = subprocess.Popen(command, env=self.env, stdout=output, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 60
        while "ready." not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker did not start:\n{self.log.read_text()}")
            time.sleep(0.2)
        return self

    def kill(self) -> None:
        """SIGKILL the worker and all its children at once, as a crash would."""
        import os
        import signal

        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """SIGTERM to the worker and its pool children, so no connection to the test database is left."""
        import os
        import signal
        import subprocess

        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def worker_factory(transactional_db, tmp_path):
    """Makes (not yet started) real workers; needs PostgreSQL and Redis, as .ci/run provides.

    A second process cannot open SQLite's in-memory test database, and the file
    broker belongs to the demo.
    """
    import os
    import uuid

    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL), as .ci/run provides")
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:12]}"
    base_env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "VAR_DIR": str(tmp_path),
    }
    celery_app.conf.task_default_queue = queue
    workers = []

    def make(beat: bool = False, **env) -> Worker:
        worker = Worker({**base_env, **{key: str(value) for key, value in env.items()}}, tmp_path, beat=beat)
        workers.append(worker)
        return worker

    yield make
    celery_app.conf.task_default_queue = "celery"
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_worker_process(worker_factory):
    """One running real worker."""
    return worker_factory().start()


def wait_for(condition, *, timeout: float = 30, message: str = "condition") -> None:
    """Poll `condition()` until it is true; fail after `timeout` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {message}")
        time.sleep(0.1)
