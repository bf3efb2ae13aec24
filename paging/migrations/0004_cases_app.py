"""Pages point at cases in their new app (state only: same tables)."""

from django.db import migrations
from django.db import models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("paging", "0003_page_grouping"),
    ]

    operations = [
        # The tables exist already (created by the triage app's migrations): only
        # Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="page",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pages",
                        to="cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="page",
                    name="signals",
                    field=models.ManyToManyField(
                        blank=True, related_name="pages", to="cases.crisissignal"
                    ),
                ),
                migrations.AlterField(
                    model_name="pagecase",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="grouped_pages",
                        to="cases.case",
                    ),
                ),
            ],
        ),
    ]
