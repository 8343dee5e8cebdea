"""What the certificates app does in each worker process."""

import sys
from unittest import mock

from celery.signals import worker_process_init


def test_a_worker_process_loads_pyhanko_at_start_and_freezes_what_it_loaded():
    with mock.patch("certificates.tasks.gc.freeze") as freeze:
        worker_process_init.send(sender=None)

    assert "certificates.signing" in sys.modules and "pyhanko.sign" in sys.modules
    freeze.assert_called_once_with()
