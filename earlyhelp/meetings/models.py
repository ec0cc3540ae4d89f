"""Meetings about a family's episode: team around the family, reviews, professional meetings
and family network meetings. Scheduled first (kind, when, who is invited), then recorded as
held (attendance, minutes, decisions, action updates; a review also re-scores the assessment
areas and sets the next review date)."""

from django.db import models
from simple_history.models import HistoricalRecords

from .codes import Attendance, InviteeKind, MeetingKind


class Meeting(models.Model):
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="meetings"
    )
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    family_not_invited_reason = models.TextField(
        blank=True, help_text="Professional meetings: why the family was not invited."
    )
    family_told = models.BooleanField(
        null=True, blank=True, help_text="Professional meetings: whether the family was told."
    )
    held_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    next_review_on = models.DateField(
        null=True, blank=True, help_text="Reviews: when the next review is due."
    )
    scheduled_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["episode", "kind", "-starts_at"], name="meeting_episode")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.starts_at:%d %B %Y}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.family_id}

    @property
    def held(self) -> bool:
        return self.held_at is not None

    @property
    def family_invited(self) -> bool:
        return self.kind != MeetingKind.PROFESSIONAL


class Invitee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    kind = models.CharField(max_length=20, choices=InviteeKind.choices)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200, help_text="As shown (an agency's name as typed).")
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name
