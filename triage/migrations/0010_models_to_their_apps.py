"""The triage app forgets the models now owned by intake, cases and lib (state only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("intake", "0001_initial"),
        ("lib", "0001_initial"),
        ("messaging", "0003_cases_app"),
        ("paging", "0004_cases_app"),
        ("triage", "0009_crisis_model_permissions"),
    ]

    operations = [
        # The tables exist already (created by the triage app's migrations): only
        # Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="acuityoverride",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="acuityoverride",
                    name="confirmed_by",
                ),
                migrations.RemoveField(
                    model_name="acuityoverride",
                    name="requested_by",
                ),
                migrations.RemoveField(
                    model_name="breakglassaccess",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="breakglassaccess",
                    name="reviewed_by",
                ),
                migrations.RemoveField(
                    model_name="breakglassaccess",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="case",
                    name="claimed_by",
                ),
                migrations.RemoveField(
                    model_name="case",
                    name="intake",
                ),
                migrations.RemoveField(
                    model_name="case",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="crisisscan",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="caseevent",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="triageresult",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="crisissignal",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="caseevent",
                    name="actor",
                ),
                migrations.RemoveField(
                    model_name="consent",
                    name="document",
                ),
                migrations.RemoveField(
                    model_name="intake",
                    name="consent",
                ),
                migrations.RemoveField(
                    model_name="consentdocument",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="crisissignal",
                    name="reviewed_by",
                ),
                migrations.RemoveField(
                    model_name="intake",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="triageresult",
                    name="script",
                ),
                migrations.DeleteModel(
                    name="WorkerHeartbeat",
                ),
                migrations.DeleteModel(
                    name="AcuityOverride",
                ),
                migrations.DeleteModel(
                    name="BreakGlassAccess",
                ),
                migrations.DeleteModel(
                    name="CrisisScan",
                ),
                migrations.DeleteModel(
                    name="Case",
                ),
                migrations.DeleteModel(
                    name="CaseEvent",
                ),
                migrations.DeleteModel(
                    name="Consent",
                ),
                migrations.DeleteModel(
                    name="ConsentDocument",
                ),
                migrations.DeleteModel(
                    name="CrisisSignal",
                ),
                migrations.DeleteModel(
                    name="Intake",
                ),
                migrations.DeleteModel(
                    name="TriageResult",
                ),
            ],
        ),
    ]
