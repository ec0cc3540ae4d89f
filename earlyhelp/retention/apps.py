from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "earlyhelp.retention"
    label = "retention"
    verbose_name = "Retention"
