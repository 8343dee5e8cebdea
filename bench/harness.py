"""What every benchmark shares: Django on a throwaway database, and timing.

    from bench.harness import set_up_django, timed
    with tempfile.TemporaryDirectory() as folder:
        database = set_up_django(Path(folder))
        try: ...
        finally: database.close()
"""

import logging
import os
import time
from pathlib import Path


def set_up_django(folder: Path):
    """Settings for a throwaway database; returns what drops it."""
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["VAR_DIR"] = str(folder)
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    server_database = bool(os.environ.get("DATABASE_URL"))
    if not server_database:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"

    import django

    django.setup()
    # The file broker warns that it has no host name each time a task is queued.
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.db import connection

    if server_database:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    return ThrowawayDatabase(server_database)


class ThrowawayDatabase:
    def __init__(self, made_by_test_runner: bool):
        from django.db import connection

        self.made_by_test_runner = made_by_test_runner
        self.original_name = connection.settings_dict["NAME"]

    def close(self) -> None:
        from django.db import connection

        if self.made_by_test_runner:
            connection.creation.destroy_test_db(self.original_name, verbosity=0)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def report(label: str, seconds: float, rows: int) -> None:
    print(f"{label:<48} {seconds:7.3f} s  {rows / seconds:>10,.0f} rows/s")


