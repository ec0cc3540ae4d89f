from django.conf import settings
from django.core.management.base import BaseCommand

from earlyhelp.accounts.models import User
from earlyhelp.accounts.seed import DEMO_ACCOUNTS, DEMO_DOMAIN, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print how to sign in as each demo role."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url: str, **options):
        users = {u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"earlyhelp demo is starting at {url}"))
        out.write("")
        out.write(f"Sign in with any of these accounts. Password for all: {DEMO_PASSWORD}")
        code = settings.DEMO_TWO_FACTOR_CODE
        if code:
            out.write(f"Two-factor: demo mode accepts the code {code} for these accounts.")
        out.write("")
        for local, _role, _org, _team, job in DEMO_ACCOUNTS:
            email = f"{local}@{DEMO_DOMAIN}"
            user = users.get(email)
            if user:
                out.write(f"  {email:<42} {user.full_name}, {job}")
        out.write("")
        out.write(f"Django admin: {url}django-admin/ (as admin@{DEMO_DOMAIN})")
        out.write("Press Ctrl+C to stop the web server and the task worker.")
        out.write("")
