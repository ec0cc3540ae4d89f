"""Hash-chain core_accessevent (issue 4, ADR 0003).

Adds `previous_hash` and `row_hash`, computes the chain for rows that already exist, and makes
the database refuse unchained rows and forks. The append-only triggers of 0002 must be lifted
for the backfill (it UPDATEs every row) and SQLite rebuilds the table for each schema change
here, which drops its triggers; so the triggers are dropped first and recreated at the end,
with 0002's own SQL, on both SQLite and PostgreSQL.
"""

from importlib import import_module

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

from earlyhelp.core.audit import CHAIN_GENESIS, CHAINED_FIELDS, chain_hash

append_only = import_module("earlyhelp.core.migrations.0002_access_event_append_only")

BATCH = 2000


def chain_existing_rows(apps, schema_editor):
    AccessEvent = apps.get_model("core", "AccessEvent")
    connection = schema_editor.connection
    table = connection.ops.quote_name(AccessEvent._meta.db_table)
    update = f"UPDATE {table} SET previous_hash = %s, row_hash = %s WHERE id = %s"
    previous_hash, last_id = CHAIN_GENESIS, 0
    while True:
        # Pages by id rather than one open cursor: the table is being updated as we go.
        rows = list(
            AccessEvent.objects.filter(id__gt=last_id)
            .order_by("id")
            .values(*CHAINED_FIELDS)[:BATCH]
        )
        if not rows:
            break
        changes = []
        for row in rows:
            row_hash = chain_hash(previous_hash, row)
            changes.append((previous_hash, row_hash, row["id"]))
            previous_hash, last_id = row_hash, row["id"]
        with connection.cursor() as cursor:
            cursor.executemany(update, changes)
    if connection.vendor == "postgresql":
        # Fire any deferred checks now, so the ALTER TABLEs that follow are allowed.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_default_configuration")]

    operations = [
        migrations.RunPython(append_only.backward, append_only.forward),
        migrations.AlterField(
            model_name="accessevent",
            name="occurred_at",
            field=models.DateTimeField(db_index=True, default=timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="accessevent",
            name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accessevent",
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="accessevent",
            constraint=models.CheckConstraint(
                condition=~Q(row_hash=""), name="access_event_is_chained"
            ),
        ),
        migrations.AddConstraint(
            model_name="accessevent",
            constraint=models.UniqueConstraint(
                fields=("previous_hash",), name="access_event_one_successor"
            ),
        ),
        migrations.RunPython(append_only.forward, append_only.backward),
    ]
