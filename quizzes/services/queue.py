"""The quiz app's Celery tasks, found by name.

Tasks load ids and call services, so services cannot import the tasks module
without an import circle; they look the task up in Celery's registry instead.
The app imports `quizzes.tasks` when Django starts (`QuizzesConfig.ready`), so
the task found is the registered one: run at once in tests, sent to the broker
otherwise, and patched by tests that patch it.
"""

from celery import current_app


def quiz_task(name: str):
    """The task `quizzes.tasks.<name>`; KeyError for a name the tasks module does not define."""
    return current_app.tasks[f"quizzes.tasks.{name}"]
