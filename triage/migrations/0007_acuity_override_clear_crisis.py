from django.db import migrations, models


def copy_from_request_events(apps, schema_editor):
    # Before this field, whether an override also cleared the crisis flag lived only in
    # the data of its request event on the case timeline.
    AcuityOverride = apps.get_model("triage", "AcuityOverride")
    CaseEvent = apps.get_model("triage", "CaseEvent")
    ids = {
        event.data.get("override")
        for event in CaseEvent.objects.filter(kind="override").only("data")
        if event.data.get("clear_crisis")
    }
    AcuityOverride.objects.filter(pk__in=[i for i in ids if i]).update(clear_crisis=True)


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0006_triage_script_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="acuityoverride",
            name="clear_crisis",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(copy_from_request_events, migrations.RunPython.noop),
    ]
