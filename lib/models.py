from django.db import models


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the beat-scheduled heartbeat task.

    One row per worker host name. Written by the worker, read by /healthz, so a dead
    worker or a dead beat shows up as a stale timestamp.
    """

    hostname = models.CharField(max_length=255, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        db_table = "triage_workerheartbeat"

    def __str__(self) -> str:
        return f"{self.hostname} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
