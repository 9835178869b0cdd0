"""files.csv's match_method kept with each file: a perceptual match by frame regions
(an altered copy of a known video) is said so on the job's files page."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('triage_runs', '0002_job_examiners'),
    ]

    operations = [
        migrations.AddField(
            model_name='filerecord',
            name='match_method',
            field=models.CharField(blank=True, max_length=16),
        ),
    ]
