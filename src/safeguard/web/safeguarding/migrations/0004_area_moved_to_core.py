"""Districts moved to the kernel (core 0002): the register's foreign keys now name
core.Area, and Area leaves this app's state once every app points at the kernel's. The
table safeguarding_area stays, with its rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_area_ratecount_moved"),
        ("intelligence", "0003_area_moved_to_core"),
        ("partners", "0004_area_ratecount_moved_to_core"),
        ("safeguarding", "0003_domain_rules"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="adultofconcern",
                    name="district",
                    field=models.ForeignKey(blank=True, null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="core.area"),
                ),
                migrations.AlterField(
                    model_name="child",
                    name="district",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                            related_name="children", to="core.area"),
                ),
                migrations.AlterField(
                    model_name="panelmeeting",
                    name="area",
                    field=models.ForeignKey(blank=True, null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="core.area"),
                ),
                migrations.DeleteModel(name="Area"),
            ],
            database_operations=[],
        ),
    ]
