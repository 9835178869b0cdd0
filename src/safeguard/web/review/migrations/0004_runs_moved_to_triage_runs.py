"""Triage runs moved to their own app (triage_runs 0001): review's foreign keys to jobs and
file records now name triage_runs' models. Nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("review", "0003_disputes_and_settlements"),
        ("triage_runs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='correction',
                    name='carried_from',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='triage_runs.triagejob'),
                ),
                migrations.AlterField(
                    model_name='correction',
                    name='job',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='triage_runs.triagejob'),
                ),
                migrations.AlterField(
                    model_name='grade',
                    name='carried_from',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='triage_runs.triagejob'),
                ),
                migrations.AlterField(
                    model_name='grade',
                    name='job',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='triage_runs.triagejob'),
                ),
                migrations.AlterField(
                    model_name='reviewitem',
                    name='file',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.DO_NOTHING, related_name='review_item', to='triage_runs.filerecord'),
                ),
                migrations.AlterField(
                    model_name='reviewitem',
                    name='job',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='review_items', to='triage_runs.triagejob'),
                ),
                migrations.AlterField(
                    model_name='reviewqueue',
                    name='job',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='review_queue', to='triage_runs.triagejob'),
                ),
                migrations.AlterField(
                    model_name='settlement',
                    name='carried_from',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='triage_runs.triagejob'),
                ),
                migrations.AlterField(
                    model_name='settlement',
                    name='job',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='triage_runs.triagejob'),
                ),
            ],
            database_operations=[],
        ),
    ]
