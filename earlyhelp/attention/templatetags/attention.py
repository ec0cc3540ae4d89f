"""`{% needs_attention_panel %}` on My caseload (with the number of unread reminders: one
query) and `{% needs_attention_panel team=True %}` on the team caseload (a link, no query)."""

from typing import Any

from django import template

from earlyhelp.attention.models import Reminder

register = template.Library()


@register.inclusion_tag("attention/_panel.html", takes_context=True)
def needs_attention_panel(context: template.Context, team: bool = False) -> dict[str, Any]:
    user = context.get("user")
    unread = 0
    if not team and user is not None and user.is_authenticated:
        unread = (
            Reminder.objects.filter(user=user, read_at__isnull=True)
            .order_by()
            .values("key")
            .distinct()
            .count()
        )
    return {"team": team, "unread": unread}
