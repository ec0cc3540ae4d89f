"""Seed the sensible defaults every council starts from (editable in the admin afterwards)."""

from django.db import migrations

from earlyhelp.core.defaults import CLOSURE_REASONS, LEVELS_OF_NEED


def forward(apps, schema_editor):
    CouncilConfiguration = apps.get_model("core", "CouncilConfiguration")
    LevelOfNeed = apps.get_model("core", "LevelOfNeed")
    ClosureReason = apps.get_model("core", "ClosureReason")
    if not CouncilConfiguration.objects.exists():
        CouncilConfiguration.objects.create()
    for number, name, description, response in LEVELS_OF_NEED:
        LevelOfNeed.objects.get_or_create(
            number=number, defaults={"name": name, "description": description, "response": response}
        )
    for order, (code, label) in enumerate(CLOSURE_REASONS):
        ClosureReason.objects.get_or_create(code=code, defaults={"label": label, "order": order})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_access_event_append_only")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
