"""The keyed chain (chain_version) and the database's own guards, on both databases.

- audit_auditevent refuses UPDATE and DELETE (SQLite now refuses DELETE too; the test
  framework's flush drops the triggers first: tests/web/sqlite_backend).
- audit_chainhead holds one row that moves only forward, by one, to the newest event's
  hash: no DELETE, no second row, no step back. Truncating the log and moving the head
  back needs the database owner (PostgreSQL, docs/web.md) and still shows against the
  anchors exported outside the database.

On SQLite adding a column rebuilds the table, which drops its triggers: they are
created here again after the column.
"""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

PG_CREATE = """
CREATE OR REPLACE FUNCTION safeguard_audit_head_forward() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit chain head cannot be removed';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM audit_chainhead) THEN
            RAISE EXCEPTION 'the audit chain has one head';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id <> OLD.id OR NEW.sequence <> OLD.sequence + 1
       OR NEW.hash IS DISTINCT FROM
          (SELECT hash FROM audit_auditevent WHERE sequence = NEW.sequence) THEN
        RAISE EXCEPTION 'the audit chain head only moves forward, to the newest event';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chainhead_forward
    BEFORE INSERT OR UPDATE OR DELETE ON audit_chainhead
    FOR EACH ROW EXECUTE FUNCTION safeguard_audit_head_forward();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS audit_chainhead_forward ON audit_chainhead;
DROP FUNCTION IF EXISTS safeguard_audit_head_forward();
"""

SQLITE_TRIGGERS = {
    "audit_auditevent_append_only": """
CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;""",
    "audit_auditevent_no_delete": """
CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END;""",
    "audit_chainhead_forward": """
CREATE TRIGGER audit_chainhead_forward BEFORE UPDATE ON audit_chainhead
WHEN NEW.id <> OLD.id OR NEW.sequence <> OLD.sequence + 1
  OR NEW.hash IS NOT (SELECT hash FROM audit_auditevent WHERE sequence = NEW.sequence)
BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward, to the newest event');
END;""",
    "audit_chainhead_no_delete": """
CREATE TRIGGER audit_chainhead_no_delete BEFORE DELETE ON audit_chainhead
BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be removed'); END;""",
    "audit_chainhead_one": """
CREATE TRIGGER audit_chainhead_one BEFORE INSERT ON audit_chainhead
WHEN (SELECT count(*) FROM audit_chainhead) > 0
BEGIN SELECT RAISE(ABORT, 'the audit chain has one head'); END;""",
}


def create_guards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        for name, sql in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(sql)


def drop_guards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            if name != "audit_auditevent_append_only":  # 0002's, dropped by its reverse
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RunPython(create_guards, drop_guards),
    ]
