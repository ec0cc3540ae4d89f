from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "earlyhelp.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        from earlyhelp.core.periodic import register_periodic

        from .tasks import run_retention_review

        register_periodic("retention_review", run_retention_review.enqueue)
