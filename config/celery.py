"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("triage_console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
@worker_ready.connect
def _warm_triage_engine(**kwargs: object) -> None:
    # Each worker process compiles the lexicons before its first task, so the scan of
    # record of the first crisis after a restart does not wait a second for it.
    # Imported here: this module loads before Django's app registry is ready.
    from triage.scripts.active import warm

    warm()
