from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "earlyhelp.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door"

    def ready(self) -> None:
        from earlyhelp.core.seeding import register_seeder

        from .seed import seed_front_door

        register_seeder("frontdoor", seed_front_door, order=30)
