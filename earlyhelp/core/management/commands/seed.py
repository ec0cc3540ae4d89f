from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from earlyhelp.core.models import AccessEvent
from earlyhelp.core.seeding import SCALES, SeedContext, make_faker, seeders


class Command(BaseCommand):
    help = "Create a fictional council with realistic synthetic data (never real people)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="demo")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds seeded data (used by make demo).",
        )

    def handle(self, *args, scale: str, if_empty: bool, **options):
        from django.contrib.auth import get_user_model

        if get_user_model().objects.exists():
            if if_empty:
                self.stdout.write("Demo data already present: keeping it.")
                return
            raise CommandError(
                "This database already has users. Seed a fresh database (delete var/earlyhelp.sqlite3"
                " or point DATABASE_URL at an empty one)."
            )
        context = SeedContext(scale=scale, faker=make_faker(), stdout=self.stdout)
        with transaction.atomic():
            for seeder in seeders():
                self.stdout.write(f"Seeding {seeder.name}...")
                seeder.run(context)
        events = AccessEvent.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Seeded the {scale} council ({events} access events).")
        )
