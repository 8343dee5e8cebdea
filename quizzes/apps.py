from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")
    # What each role may do with this app's models (see accounts.roles).
    role_permissions = {
        Role.INSTRUCTOR: [
            *(f"{action}_{model}" for action in ("view", "add", "change", "delete")
              for model in ("questionbank", "category", "question", "choice", "quiz")),
            "view_attempt", "view_response",
        ],
    }

    def ready(self):
        # Registers the tasks, which services look up by name (accounts.queue).
        import_module("quizzes.tasks")
