"""The worker heartbeat moves out of the triage app; its table keeps its name (issue 19)."""

from django.db import migrations
from django.db import models

from lib.content_types import relabel_content_types


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("triage", "0009_crisis_model_permissions"),
    ]

    operations = [
        # The tables exist already (created by the triage app's migrations): only
        # Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkerHeartbeat",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("hostname", models.CharField(max_length=255, unique=True)),
                        ("beat_at", models.DateTimeField()),
                    ],
                    options={
                        "db_table": "triage_workerheartbeat",
                    },
                ),
            ],
        ),
        relabel_content_types("triage", "lib", ["workerheartbeat"]),
    ]
