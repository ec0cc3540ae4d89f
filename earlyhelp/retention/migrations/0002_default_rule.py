"""Seed the default retention rule: keep a family's records until its youngest child is 25."""

from django.db import migrations


def seed_default_rule(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    if RetentionRule.objects.exists():
        return
    RetentionRule.objects.create(
        name="Until the youngest child is 25",
        kind="youngest_child_age",
        age=25,
        years=6,
        applies_to="families",
        is_active=True,
        description=(
            "Early help records are kept until the youngest child in the family reaches 25, "
            "the period most councils set for children's services records that did not "
            "reach statutory social care. Families with no known child's date of birth are "
            "kept for 6 years after their last activity."
        ),
    )


def remove_default_rule(apps, schema_editor):
    apps.get_model("retention", "RetentionRule").objects.filter(
        name="Until the youngest child is 25", reviews__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_retention_rules_holds_reviews")]

    operations = [migrations.RunPython(seed_default_rule, remove_default_rule)]
