from django.apps import AppConfig


class AttentionConfig(AppConfig):
    """Drift detection: what on a practitioner's or a manager's cases needs attention today, and
    the daily reminders about it."""

    name = "earlyhelp.attention"
    label = "attention"
    verbose_name = "Needs attention"

    def ready(self) -> None:
        from earlyhelp.core.periodic import register_periodic

        from .tasks import send_daily_reminders

        register_periodic("daily_reminders", send_daily_reminders.enqueue)
