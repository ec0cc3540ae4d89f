"""Seed the default Early Help Assessment, version 1 (earlyhelp/assessments/default_template.py)."""

from django.db import migrations

from earlyhelp.assessments.default_template import DEFAULT_SECTIONS_V1, DEFAULT_TEMPLATE_NAME


def seed(apps, schema_editor):
    template = apps.get_model("assessments", "AssessmentTemplate")
    template.objects.get_or_create(
        name=DEFAULT_TEMPLATE_NAME,
        version=1,
        defaults={
            "published": True,
            "description": "Follows the Assessment Framework triangle: the child's developmental "
            "needs, parenting capacity, and family and environmental factors.",
            "sections": DEFAULT_SECTIONS_V1,
        },
    )


def unseed(apps, schema_editor):
    template = apps.get_model("assessments", "AssessmentTemplate")
    template.objects.filter(name=DEFAULT_TEMPLATE_NAME, version=1, assessments=None).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
