"""`{% consent_summary family %}`: the current consent position, for any family page."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ..models import current_position

register = template.Library()


@register.simple_tag(name="consent_summary")
def consent_summary_tag(family) -> SafeString:
    records = list(family.consent_records.select_related("person", "share_with_organisation").all())
    overrides = list(family.safeguarding_overrides.filter(ended_at__isnull=True))
    return render_to_string(
        "consent/_summary.html",
        {"family": family, "current": current_position(records), "overrides": overrides},
    )
