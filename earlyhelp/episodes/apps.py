from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "earlyhelp.episodes"
    label = "episodes"
    verbose_name = "Early help episodes"

    def ready(self) -> None:
        from earlyhelp.core.periodic import register_periodic

        from .tasks import create_sustainment_tasks

        register_periodic("sustainment_checks", create_sustainment_tasks.enqueue)
