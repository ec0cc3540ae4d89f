from django.tasks import task

from . import services


@task()
def create_sustainment_tasks() -> dict[str, int]:
    """The periodic sustainment job: follow-up tasks for episodes closed N months ago."""
    return {"created": services.create_sustainment_tasks()}
