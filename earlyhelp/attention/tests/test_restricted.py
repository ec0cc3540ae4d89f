"""A restricted family is seen only through personal reasons: its lead practitioner gets the
reminders; the team's managers neither get them nor see the family on their needs-attention
lists; and a reminder stops showing as soon as its reader loses the reason to see the family."""

from datetime import date

import pytest
from django.urls import reverse

from earlyhelp.assessments import services as assessment_services
from earlyhelp.attention.models import Reminder
from earlyhelp.attention.services import send_daily_reminders
from earlyhelp.people.models import Family

from .conftest import World, allocated, client_for

pytestmark = pytest.mark.django_db


def test_the_lead_is_reminded_and_the_managers_never_see_the_family(
    world: World, django_capture_on_commit_callbacks
) -> None:
    episode = allocated(world, "Hidden family", date(2026, 9, 1))
    Family.objects.filter(pk=episode.family_id).update(is_restricted=True)
    assessment_services.start_assessment(
        actor=world.lead, episode=episode, started_on=date(2026, 10, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_reminders(date(2026, 10, 16))  # the assessment is overdue
    assert Reminder.objects.filter(user=world.lead).exists()
    assert not Reminder.objects.filter(user=world.manager).exists()
    lead_page = client_for(world.lead).get(reverse("attention:mine")).text
    assert "Hidden family" in lead_page
    for url in (reverse("attention:mine"), reverse("attention:team")):
        assert "Hidden family" not in client_for(world.manager).get(url).text, url


def test_a_reminder_stops_showing_when_its_reader_loses_the_reason(
    world: World, django_capture_on_commit_callbacks
) -> None:
    episode = allocated(world, "Patel family", date(2026, 9, 1))
    assessment_services.start_assessment(
        actor=world.lead, episode=episode, started_on=date(2026, 10, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_reminders(date(2026, 10, 16))
    assert Reminder.objects.filter(user=world.manager, read_at__isnull=True).exists()
    url = reverse("attention:mine")
    assert "Patel family" in client_for(world.manager).get(url).text
    # The family's record is restricted later: the manager's old reminder no longer shows it.
    Family.objects.filter(pk=episode.family_id).update(is_restricted=True)
    assert "Patel family" not in client_for(world.manager).get(url).text
