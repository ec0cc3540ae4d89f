from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "earlyhelp.accounts"
    label = "accounts"
    verbose_name = "People who use the service"

    def ready(self) -> None:
        from earlyhelp.core.seeding import register_seeder

        from .seed import seed_accounts

        register_seeder("accounts", seed_accounts, order=10)
