"""Conversations point at cases in their new app (state only: same tables)."""

from django.db import migrations
from django.db import models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("messaging", "0002_grant_roles"),
    ]

    operations = [
        # The tables exist already (created by the triage app's migrations): only
        # Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="conversation",
                    name="case",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="conversation",
                        to="cases.case",
                    ),
                ),
            ],
        ),
    ]
