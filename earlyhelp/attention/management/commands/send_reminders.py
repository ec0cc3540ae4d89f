from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from earlyhelp.attention.services import send_daily_reminders


class Command(BaseCommand):
    help = (
        "Send today's needs-attention reminders now (in the product and one email per person). "
        "Does nothing on a weekend or bank holiday. The periodic jobs run this every working "
        "day; use this to run it by hand or for another day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="The day to remind about, as YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, **options):
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"Give the date as YYYY-MM-DD, not {options['date']!r}."
                ) from None
        else:
            day = timezone.localdate()
        result = send_daily_reminders(day, again=True)
        if not result["working_day"]:
            self.stdout.write(f"{day:%A %-d %B %Y} is not a working day: no reminders sent.")
            return
        self.stdout.write(
            f"{day:%A %-d %B %Y}: {result['reminders']} new reminders, {result['emails']} emails."
        )
