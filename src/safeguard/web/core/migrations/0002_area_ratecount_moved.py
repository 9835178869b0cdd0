"""The districts table (safeguarding.Area) and the rate-limit counts (partners.RateCount)
become the kernel's: every app counts by district and several rate-limit. The tables keep
their names and rows (state only); their content types follow them, so that anything
naming them by content type still finds them."""

from django.db import migrations, models

from safeguard.web.core.moves import content_types_follow


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        # The tables exist before the kernel claims them.
        ("safeguarding", "0003_domain_rules"),
        ("partners", "0003_held_code_status"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Area",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("ons_code", models.CharField(max_length=9, unique=True,
                                                      verbose_name="ONS code")),
                        ("towns", models.JSONField(blank=True, default=list)),
                        ("active", models.BooleanField(default=True)),
                    ],
                    options={"db_table": "safeguarding_area", "ordering": ["name"]},
                ),
                migrations.CreateModel(
                    name="RateCount",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=120, unique=True)),
                        ("count", models.PositiveIntegerField(default=0)),
                        ("expires_at", models.DateTimeField(db_index=True)),
                    ],
                    options={"db_table": "partners_ratecount"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(*content_types_follow(
            "core", [("safeguarding", "area"), ("partners", "ratecount")])),
    ]
