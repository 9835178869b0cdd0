"""Districts moved to the kernel (core 0002): the foreign keys now name core.Area.
Nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_area_ratecount_moved"),
        ("intelligence", "0002_subject_reopened"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="referral",
                    name="district",
                    field=models.ForeignKey(blank=True, null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="core.area"),
                ),
                migrations.AlterField(
                    model_name="sighting",
                    name="district",
                    field=models.ForeignKey(blank=True, db_constraint=False, db_index=False,
                                            null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="core.area"),
                ),
                migrations.AlterField(
                    model_name="subject",
                    name="district",
                    field=models.ForeignKey(blank=True, help_text="Where the subject was seen last.",
                                            null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="core.area"),
                ),
            ],
            database_operations=[],
        ),
    ]
