"""Celery tasks found by name, so that a service enqueues one without importing its app's tasks module.

A tasks module loads ids and calls services; a service importing it back would
close an import circle. Each app imports its tasks module when Django starts
(its `AppConfig.ready`), so the task found is the registered one: run at once in
tests, sent to the broker otherwise, and patched by tests that patch it.
"""

from celery import current_app


def task(name: str):
    """The registered task `name` (`"quizzes.tasks.score_attempt"`); KeyError for a name no tasks module defines."""
    return current_app.tasks[name]
