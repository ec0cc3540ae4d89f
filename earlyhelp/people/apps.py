from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "earlyhelp.people"
    label = "people"
    verbose_name = "People and families"

    def ready(self) -> None:
        from earlyhelp.core.seeding import register_seeder

        from .seed import seed_people

        register_seeder("people", seed_people, order=20)
