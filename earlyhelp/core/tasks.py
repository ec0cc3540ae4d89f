from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone


@task()
def send_email(subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text email. Enqueued on commit so a rolled-back change sends nothing."""
    return send_mail(subject, body, None, to)


@task()
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
