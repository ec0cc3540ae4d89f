"""The family's early help episode. The front door opens one when it decides "open early help";
it waits in the allocation queue until a manager gives it a team and a lead practitioner. Issue 6
builds the rest of the episode (assessment, plan, reviews, closure) on this table."""

from django.db import models
from simple_history.models import HistoricalRecords


class EpisodeStatus(models.TextChoices):
    AWAITING_ALLOCATION = "awaiting_allocation", "Waiting for allocation"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Episode(models.Model):
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="episodes")
    status = models.CharField(
        max_length=30, choices=EpisodeStatus.choices, default=EpisodeStatus.AWAITING_ALLOCATION
    )
    source_contact = models.ForeignKey(
        "frontdoor.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
    )
    opened_at = models.DateTimeField()
    allocated_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="episodes"
    )
    lead_practitioner = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_episodes",
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    allocation_note = models.TextField(
        blank=True, help_text="Why this team and lead practitioner (the allocation's reason)."
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["status", "opened_at"], name="episode_status_opened"),
            models.Index(fields=["allocated_team", "status"], name="episode_team_status"),
        ]

    def __str__(self) -> str:
        return f"Early help for {self.family}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.family_id}


class ChronologyKind(models.TextChoices):
    CONTACT = "contact", "Request for support"
    DECISION = "decision", "Front-door decision"
    ALLOCATION = "allocation", "Allocation"
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Family plan"
    MEETING = "meeting", "Meeting"
    LEVEL_CHANGE = "level_change", "Change of level"
    STEP_UP = "step_up", "Step up"
    STEP_DOWN = "step_down", "Step down"
    CLOSURE = "closure", "Closure"
    NOTE = "note", "Case note"
    MANUAL = "manual", "Entry added by a practitioner"


class ChronologyEntry(models.Model):
    """One significant event in a family's life with the service. Every app adds its milestones
    through `episodes.services.add_chronology_entry`; practitioners add their own."""

    family = models.ForeignKey("people.Family", on_delete=models.CASCADE, related_name="chronology")
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, null=True, blank=True, related_name="chronology"
    )
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=ChronologyKind.choices)
    summary = models.CharField(max_length=500)
    detail = models.TextField(blank=True)
    significant = models.BooleanField(default=True)
    source_type = models.CharField(max_length=60, blank=True, help_text="e.g. 'assessment'.")
    source_id = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["family", "-occurred_at"], name="chronology_family_time")]

    def __str__(self) -> str:
        return self.summary

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.family_id}
