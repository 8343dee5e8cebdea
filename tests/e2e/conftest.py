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
