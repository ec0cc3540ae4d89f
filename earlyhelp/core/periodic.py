"""Periodic jobs. Apps register a task here; `run_periodic_jobs` (cron / systemd timer) enqueues
them all on commit, and the task worker runs them."""

from collections.abc import Callable

from django.db import transaction

_periodic: dict[str, Callable[[], object]] = {}


def register_periodic(name: str, enqueue: Callable[[], object]) -> None:
    _periodic[name] = enqueue


def enqueue_periodic_jobs() -> list[str]:
    for enqueue in _periodic.values():
        transaction.on_commit(enqueue)
    return sorted(_periodic)
