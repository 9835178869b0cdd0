"""Triage runs become their own app: the job, its summary, its files and its warnings
move here from investigations with their tables, indexes and rows untouched (state only:
`db_table` keeps the old names), and their content types follow them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from safeguard.web.core.moves import content_types_follow

MOVED = ["triagejob", "triagesummary", "filerecord", "triagewarningrow"]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables exist (investigations 0001) before this app claims them.
        ("investigations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TriageJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='queued', max_length=16)),
                        ('stage', models.CharField(blank=True, choices=[('', 'Waiting'), ('examining', 'Reading and hashing files'), ('matching', 'Matching and writing reports'), ('importing', 'Importing the results')], default='', max_length=16)),
                        ('requested_at', models.DateTimeField(auto_now_add=True)),
                        ('hashsets', models.JSONField(blank=True, default=list)),
                        ('options', models.JSONField(blank=True, default=dict)),
                        ('files_done', models.BigIntegerField(default=0)),
                        ('bytes_done', models.BigIntegerField(default=0)),
                        ('bytes_total', models.BigIntegerField(blank=True, null=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('worker', models.CharField(blank=True, max_length=200)),
                        ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('cancel_requested', models.BooleanField(default=False)),
                        ('error', models.TextField(blank=True)),
                        ('exit_status', models.IntegerField(blank=True, null=True)),
                        ('out_dir', models.CharField(blank=True, max_length=1024)),
                        ('exhibit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='triage_jobs', to='investigations.exhibit')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'investigations_triagejob',
                        'ordering': ['-requested_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='FileRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('evidence', models.TextField()),
                        ('partition', models.CharField(blank=True, max_length=200)),
                        ('filesystem', models.CharField(blank=True, max_length=64)),
                        ('path', models.TextField()),
                        ('archive', models.TextField(blank=True)),
                        ('inode', models.CharField(blank=True, max_length=64)),
                        ('size', models.BigIntegerField(default=0)),
                        ('modified', models.DateTimeField(blank=True, null=True)),
                        ('accessed', models.DateTimeField(blank=True, null=True)),
                        ('changed', models.DateTimeField(blank=True, null=True)),
                        ('created', models.DateTimeField(blank=True, null=True)),
                        ('deleted', models.BooleanField(default=False)),
                        ('carved', models.BooleanField(default=False)),
                        ('file_type', models.CharField(choices=[('image', 'Image'), ('video', 'Video'), ('archive', 'Archive'), ('other', 'Other'), ('empty', 'Empty')], max_length=16)),
                        ('mime', models.CharField(blank=True, max_length=128)),
                        ('md5', models.CharField(blank=True, max_length=32)),
                        ('sha1', models.CharField(blank=True, max_length=40)),
                        ('sha256', models.CharField(blank=True, max_length=64)),
                        ('known_good', models.BooleanField(default=False)),
                        ('known_good_set', models.CharField(blank=True, max_length=64)),
                        ('hashset', models.CharField(blank=True, max_length=64)),
                        ('category', models.CharField(blank=True, max_length=64)),
                        ('series', models.CharField(blank=True, max_length=200)),
                        ('distributed', models.BooleanField(default=False)),
                        ('victim_identified', models.BooleanField(default=False)),
                        ('match', models.CharField(choices=[('exact', 'Exact (identical file)'), ('perceptual', 'Perceptual (visually similar, not identical)'), ('none', 'No match')], default='none', max_length=16)),
                        ('distance', models.IntegerField(blank=True, null=True)),
                        ('error', models.TextField(blank=True)),
                        ('pdq', models.CharField(blank=True, max_length=64)),
                        ('pdq_quality', models.SmallIntegerField(blank=True, null=True)),
                        ('group', models.CharField(blank=True, max_length=32)),
                        ('job', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='files', to='triage_runs.triagejob')),
                    ],
                    options={
                        'db_table': 'investigations_filerecord',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='TriageSummary',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('files', models.BigIntegerField(default=0)),
                        ('bytes', models.BigIntegerField(default=0)),
                        ('images', models.BigIntegerField(default=0)),
                        ('videos', models.BigIntegerField(default=0)),
                        ('archives', models.BigIntegerField(default=0)),
                        ('known_good', models.BigIntegerField(default=0)),
                        ('unmatched_images', models.BigIntegerField(default=0)),
                        ('unmatched_videos', models.BigIntegerField(default=0)),
                        ('deleted', models.BigIntegerField(default=0)),
                        ('carved', models.BigIntegerField(default=0)),
                        ('in_archives', models.BigIntegerField(default=0)),
                        ('warnings', models.BigIntegerField(default=0)),
                        ('exact_matches', models.BigIntegerField(default=0)),
                        ('perceptual_matches', models.BigIntegerField(default=0)),
                        ('categories', models.JSONField(blank=True, default=dict)),
                        ('evidence', models.JSONField(blank=True, default=list)),
                        ('hashsets', models.JSONField(blank=True, default=list)),
                        ('tool_version', models.CharField(blank=True, max_length=32)),
                        ('run_started', models.CharField(blank=True, max_length=40)),
                        ('run_finished', models.CharField(blank=True, max_length=40)),
                        ('job', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='summary', to='triage_runs.triagejob')),
                    ],
                    options={
                        'db_table': 'investigations_triagesummary',
                    },
                ),
                migrations.CreateModel(
                    name='TriageWarningRow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('address', models.TextField()),
                        ('stage', models.CharField(max_length=64)),
                        ('message', models.TextField()),
                        ('job', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='warning_rows', to='triage_runs.triagejob')),
                    ],
                    options={
                        'db_table': 'investigations_triagewarningrow',
                        'ordering': ['id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='triagejob',
                    index=models.Index(fields=['status', 'requested_at'], name='triagejob_queue'),
                ),
                migrations.AddIndex(
                    model_name='triagejob',
                    index=models.Index(fields=['exhibit', 'status', 'finished_at'], name='triagejob_exhibit'),
                ),
                migrations.AddIndex(
                    model_name='filerecord',
                    index=models.Index(fields=['job', 'id'], name='filerecord_job_id'),
                ),
                migrations.AddIndex(
                    model_name='filerecord',
                    index=models.Index(condition=models.Q(('file_type__in', ('image', 'video')), ('known_good', False), ('match', 'none')), fields=['job', 'group', 'id'], name='filerecord_review'),
                ),
                migrations.AddIndex(
                    model_name='filerecord',
                    index=models.Index(fields=['job', 'file_type', 'match', 'group'], name='filerecord_type_match'),
                ),
                migrations.AddIndex(
                    model_name='filerecord',
                    index=models.Index(fields=['job', 'category'], name='filerecord_category'),
                ),
                migrations.AddIndex(
                    model_name='filerecord',
                    index=models.Index(condition=models.Q(('deleted', True)), fields=['job', 'id'], name='filerecord_deleted'),
                ),
                migrations.AddIndex(
                    model_name='filerecord',
                    index=models.Index(fields=['md5'], name='filerecord_md5'),
                ),
                migrations.AddIndex(
                    model_name='filerecord',
                    index=models.Index(fields=['sha1'], name='filerecord_sha1'),
                ),
                migrations.AddIndex(
                    model_name='filerecord',
                    index=models.Index(fields=['sha256'], name='filerecord_sha256'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(*content_types_follow(
            "triage_runs", [("investigations", model) for model in MOVED])),
    ]
