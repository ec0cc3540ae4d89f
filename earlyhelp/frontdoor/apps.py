from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "earlyhelp.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door"
