from django.tasks import task

from . import services


@task()
def run_retention_review() -> dict[str, int]:
    """The periodic retention job: open reviews for families newly due (see services)."""
    result = services.run_retention_review()
    return {"due": result.due, "opened": result.opened, "no_longer_due": result.no_longer_due}
