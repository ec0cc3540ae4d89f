from datetime import date

from django.tasks import task
from django.utils import timezone

from earlyhelp.core.models import CouncilConfiguration

from . import services


@task()
def send_daily_reminders(today: str = "") -> dict[str, int]:
    """The periodic reminders job (`today` as YYYY-MM-DD; by default today). Without a date it
    waits for the council's working day to start, so nobody is emailed in the night."""
    if today:
        day = date.fromisoformat(today)
    else:
        now = timezone.localtime()
        if now.time() < CouncilConfiguration.current().working_day_starts:
            return {"working_day": 0, "reminders": 0, "emails": 0}
        day = now.date()
    return services.send_daily_reminders(day)
