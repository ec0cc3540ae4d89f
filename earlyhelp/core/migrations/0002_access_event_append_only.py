"""Make core_accessevent append-only in the database itself: UPDATE and DELETE are refused
by triggers (and TRUNCATE too, on PostgreSQL), whatever code or shell session tries them."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE TRIGGER core_accessevent_no_update BEFORE UPDATE ON core_accessevent
       BEGIN SELECT RAISE(ABORT, 'core_accessevent is append-only: rows cannot be changed'); END""",
    """CREATE TRIGGER core_accessevent_no_delete BEFORE DELETE ON core_accessevent
       BEGIN SELECT RAISE(ABORT, 'core_accessevent is append-only: rows cannot be deleted'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_accessevent_no_update",
    "DROP TRIGGER IF EXISTS core_accessevent_no_delete",
]
POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION core_accessevent_refuse_change() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION USING
           MESSAGE = 'core_accessevent is append-only: ' || TG_OP || ' is not allowed',
           ERRCODE = 'insufficient_privilege';
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_accessevent_no_update_delete
       BEFORE UPDATE OR DELETE ON core_accessevent
       FOR EACH ROW EXECUTE FUNCTION core_accessevent_refuse_change()""",
    """CREATE TRIGGER core_accessevent_no_truncate
       BEFORE TRUNCATE ON core_accessevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_accessevent_refuse_change()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_accessevent_no_truncate ON core_accessevent",
    "DROP TRIGGER IF EXISTS core_accessevent_no_update_delete ON core_accessevent",
    "DROP FUNCTION IF EXISTS core_accessevent_refuse_change()",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
