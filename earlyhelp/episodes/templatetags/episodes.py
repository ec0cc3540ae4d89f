"""`{% family_subnav family current %}`: the family record's tabs (MoJ sub-navigation). A tab is
shown only when its page exists, so apps can add theirs (assessment, plan, meetings) by defining
the URL name; none of them is imported here."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

#: (key, label, URL name taking the family's pk), in the order shown.
TABS = (
    ("summary", "Summary", "people:family"),
    ("episode", "Episode", "episodes:family_episode"),
    ("chronology", "Chronology", "episodes:chronology"),
    ("assessment", "Assessment", "assessments:family"),
    ("plan", "Plan", "plans:family"),
    ("meetings", "Meetings", "meetings:family"),
    ("consent", "Consent and sharing", "consent:family"),
)


@register.inclusion_tag("episodes/_family_subnav.html")
def family_subnav(family: Any, current: str = "") -> dict[str, Any]:
    tabs = []
    for key, label, name in TABS:
        try:
            url = reverse(name, args=[family.pk])
        except NoReverseMatch:
            continue
        tabs.append({"key": key, "label": label, "url": url, "current": key == current})
    return {"tabs": tabs, "family": family}
