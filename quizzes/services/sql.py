"""The fixed SQL's helpers, shared by attempts and grading."""

import json

from django.db import connection

from quizzes.models import Attempt

IN_PROGRESS, SUBMITTED = Attempt.Status.IN_PROGRESS.value, Attempt.Status.SUBMITTED.value


def db_table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def read_json(value):
    """A JSON column as read by a plain cursor: text on SQLite and (through Django) on PostgreSQL."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value
