"""Reminders: what the daily job told someone needed their attention, in the product (and, once
a day, by email). One row per person, per thing, per working day: the uniqueness rule is what
makes running the job twice on the same day create nothing twice."""

from django.db import models


class ReminderKind(models.TextChoices):
    ASSESSMENT_OVERDUE = "assessment_overdue", "Assessment overdue"
    ASSESSMENT_DUE = "assessment_due", "Assessment due soon"
    ASSESSMENT_NOT_STARTED = "assessment_not_started", "Assessment not started"
    REVIEW_OVERDUE = "review_overdue", "Review overdue"
    REVIEW_DUE = "review_due", "Review due soon"
    ACTION_OVERDUE = "action_overdue", "Plan action past its date"
    NO_CONTACT = "no_contact", "No contact"
    SCORES_WORSE = "scores_worse", "Scores getting worse"
    FOLLOW_UP_OVERDUE = "follow_up_overdue", "Follow-up task overdue"


class Reminder(models.Model):
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    key = models.CharField(
        max_length=120,
        help_text='What the reminder is about, the same every day it lasts: "review:12".',
    )
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    for_date = models.DateField(help_text="The working day the reminder is for.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-for_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "for_date"], name="reminder_once_a_day_per_subject"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at", "-for_date"], name="reminder_unread")]

    def __str__(self) -> str:
        return f"{self.for_date}: {self.text}"


class ReminderRun(models.Model):
    """The daily job ran for this working day: later runs that day have nothing to do."""

    for_date = models.DateField(unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveIntegerField(default=0)
    emails = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-for_date"]

    def __str__(self) -> str:
        return f"Reminders for {self.for_date}"
