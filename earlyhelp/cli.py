"""The `earlyhelp` console command: Django's management commands under the project's name.

`earlyhelp seed --scale demo` is the same as `python manage.py seed --scale demo`.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["earlyhelp", *sys.argv[1:]])
