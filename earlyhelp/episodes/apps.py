from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "earlyhelp.episodes"
    label = "episodes"
    verbose_name = "Early help episodes"

    def ready(self) -> None:
        from earlyhelp.core.periodic import register_periodic
        from earlyhelp.core.seeding import register_seeder

        from .seed import seed_episodes
        from .tasks import create_sustainment_tasks

        register_periodic("sustainment_checks", create_sustainment_tasks.enqueue)
        # After the front door (30), which opens the episodes this fills in.
        register_seeder("episodes", seed_episodes, order=40)
