import os
import subprocess
import sys

from django.conf import settings


def test_a_django_log_line_is_printed_once_in_development():
    """`make run` runs with DEBUG on, where Django's own console handler sits beside the root's."""
    script = "import django, logging; django.setup(); logging.getLogger('django.request').warning('only-once')"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("only-once") == 1
