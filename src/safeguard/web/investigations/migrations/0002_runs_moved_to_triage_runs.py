"""Triage runs moved to their own app (triage_runs 0001): their models leave this app's
state once review points at triage_runs' (review 0004). The tables stay, with their rows:
triage_runs' models keep their names (`investigations_triagejob` ...)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("investigations", "0001_initial"),
        ("review", "0004_runs_moved_to_triage_runs"),
        ("triage_runs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="FileRecord"),
                migrations.DeleteModel(name="TriageWarningRow"),
                migrations.DeleteModel(name="TriageSummary"),
                migrations.DeleteModel(name="TriageJob"),
            ],
            database_operations=[],
        ),
    ]
