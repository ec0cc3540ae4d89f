from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "earlyhelp.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from .periodic import register_periodic
        from .seed import seed_configuration
        from .seeding import register_seeder
        from .tasks import clear_expired_sessions

        register_periodic("clear_expired_sessions", clear_expired_sessions.enqueue)
        register_seeder("council configuration", seed_configuration, order=0)
