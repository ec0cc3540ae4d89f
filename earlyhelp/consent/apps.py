from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "earlyhelp.consent"
    label = "consent"
    verbose_name = "Consent and information sharing"
