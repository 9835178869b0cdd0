"""Districts and rate-limit counts moved to the kernel (core 0002): the foreign keys now
name core.Area, and RateCount leaves this app's state. Nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_area_ratecount_moved"),
        ("partners", "0003_held_code_status"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="RateCount"),
                migrations.AlterField(
                    model_name="business",
                    name="district",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="core.area"),
                ),
                migrations.AlterField(
                    model_name="concernplace",
                    name="district",
                    field=models.ForeignKey(blank=True, null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="core.area"),
                ),
                migrations.AlterField(
                    model_name="trainingsession",
                    name="district",
                    field=models.ForeignKey(help_text="Where it was held.",
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="core.area"),
                ),
            ],
            database_operations=[],
        ),
    ]
