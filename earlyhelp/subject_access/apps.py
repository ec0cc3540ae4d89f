from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "earlyhelp.subject_access"
    label = "subject_access"
    verbose_name = "Subject access requests"

    def ready(self) -> None:
        # Other apps holding personal data register their own sections the same way.
        from .sections import register

        register()
