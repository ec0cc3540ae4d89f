"""Recompute the stored name keys after the nickname table grew (matching.py): a record named
"Mandy" must now share its key with "Amanda", or search would not block on it."""

from django.db import migrations

BATCH = 2000


def refresh(apps, schema_editor):
    from earlyhelp.people import matching

    Person = apps.get_model("people", "Person")
    changed = []
    for person in Person.objects.only("pk", "given_name", "family_name").iterator(chunk_size=BATCH):
        given = matching.given_name_key(person.given_name)
        family = matching.family_name_key(person.family_name)
        if (given, family) != (person.given_name_key, person.family_name_key):
            person.given_name_key, person.family_name_key = given, family
            changed.append(person)
        if len(changed) >= BATCH:
            Person.objects.bulk_update(changed, ["given_name_key", "family_name_key"])
            changed = []
    if changed:
        Person.objects.bulk_update(changed, ["given_name_key", "family_name_key"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_involvement_suspension")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
