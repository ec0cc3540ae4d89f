"""`earlyhelp duplicates-report`: the same command as `duplicates_report` (Django finds commands
by file name, so this hyphenated module gives the documented spelling)."""

from .duplicates_report import Command

__all__ = ["Command"]
