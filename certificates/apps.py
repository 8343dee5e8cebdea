import logging
from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    role_permissions = {
        Role.HR: ["view_certificate"],
    }

    def ready(self):
        # Registers the tasks, which services look up by name (accounts.queue).
        import_module("certificates.tasks")
        from celery.signals import worker_init

        worker_init.connect(_warn_if_fonts_slow, weak=False, dispatch_uid="certificates.fonts")


def _warn_if_fonts_slow(**kwargs):
    """A worker without HarfBuzz's subsetter renders each certificate several times slower: say so at start."""
    from certificates import rendering

    rendering.warn_if_fonts_slow(logging.getLogger("certificates"))
