from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "earlyhelp.people"
    label = "people"
    verbose_name = "People and families"

    def ready(self) -> None:
        from earlyhelp.core.seeding import register_seeder

        from .seed import seed_people
        from .seed_involvements import seed_involvements

        register_seeder("people", seed_people, order=20)
        register_seeder("involvements", seed_involvements, order=25)
