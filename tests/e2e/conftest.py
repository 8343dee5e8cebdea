import importlib

import pytest
from django.db import connection


@pytest.fixture
def erasable_audit_log(transactional_db):
    """Lets the flush after a transactional test empty the audit log on SQLite.

    The audit log refuses DELETE (a trigger); PostgreSQL's flush truncates, which
    the trigger does not see, but SQLite's flush deletes. So before the flush the
    triggers step aside for one DELETE and come straight back.
    """
    yield
    if connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("accounts.migrations.0002_audit_append_only")
    with connection.cursor() as cursor:
        for statement in triggers.SQLITE_REVERSE:
            cursor.execute(statement)
        cursor.execute("DELETE FROM accounts_auditentry")
        for statement in triggers.SQLITE:
            cursor.execute(statement)


@pytest.fixture(scope="session", autouse=True)
def _no_connection_left_to_the_test_database(django_db_setup, django_db_blocker):
    """Closes what the browser tests leave open, so that the test database can be dropped at the end.

    While Playwright's sync API runs, an event loop runs in this thread, and the
    ORM calls a test makes then open a connection in a context of their own,
    which pytest-django's teardown does not see or close. PostgreSQL refuses to
    drop a database with a session open, and the test database was left behind.
    Runs before the database is dropped (it depends on its set-up).
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND usename = current_user"
        )
