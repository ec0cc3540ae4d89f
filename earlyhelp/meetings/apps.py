from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "earlyhelp.meetings"
    label = "meetings"
