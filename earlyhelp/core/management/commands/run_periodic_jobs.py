from django.core.management.base import BaseCommand

from earlyhelp.core.periodic import enqueue_periodic_jobs


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs (run this from cron or a systemd timer, e.g. every 15 minutes);"
        " the task worker (`manage.py db_worker`) runs them."
    )

    def handle(self, *args, **options):
        for name in enqueue_periodic_jobs():
            self.stdout.write(f"Enqueued {name}")
