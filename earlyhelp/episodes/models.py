"""The family's early help episode. The front door opens one when it decides "open early help";
it waits in the allocation queue until a manager gives it a team and a lead practitioner. Issue 6
builds the rest of the episode (assessment, plan, reviews, closure) on this table."""

from django.db import models
from simple_history.models import HistoricalRecords


class EpisodeStatus(models.TextChoices):
    AWAITING_ALLOCATION = "awaiting_allocation", "Waiting for allocation"
    OPEN = "open", "Open"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
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
    closure_reason = models.ForeignKey(
        "core.ClosureReason", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closure_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_lead_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="A lead practitioner who has no account here (a social worker elsewhere).",
    )

    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["lead_practitioner", "status"], name="episode_lead_status"),
            models.Index(fields=["status", "opened_at"], name="episode_status_opened"),
            models.Index(fields=["allocated_team", "status"], name="episode_team_status"),
            # The team caseload's lead practitioner filter: who has led the teams' episodes.
            models.Index(fields=["lead_practitioner", "allocated_team"], name="episode_lead_team"),
        ]

    def __str__(self) -> str:
        return f"Early help for {self.family}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.family_id}

    @property
    def is_live(self) -> bool:
        """Open or stepped up: the work is still going on."""
        return self.status in (EpisodeStatus.OPEN, EpisodeStatus.STEPPED_UP)

    @property
    def lead_name(self) -> str:
        if self.lead_practitioner_id is not None and self.lead_practitioner is not None:
            return self.lead_practitioner.full_name or self.lead_practitioner.email
        return self.external_lead_name


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
    APPROVAL = "approval", "Approval"
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


class EpisodeChild(models.Model):
    """A child in the episode's scope, with their own level of need."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(
        "core.LevelOfNeed", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "person"], name="episode_child_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.episode}"


class LevelChange(models.Model):
    """A child's level of need changed (for example early help to child in need), and why."""

    child = models.ForeignKey(EpisodeChild, on_delete=models.CASCADE, related_name="changes")
    from_level = models.ForeignKey(
        "core.LevelOfNeed", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_level = models.ForeignKey("core.LevelOfNeed", on_delete=models.PROTECT, related_name="+")
    changed_on = models.DateField()
    reason = models.TextField()
    changed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.child.person}: {self.from_level} to {self.to_level}"


class LeadPractitionerSpell(models.Model):
    """One lead practitioner's time with the family: who, from, to, and whether the family had a
    say in who it is. `user` is empty for a lead with no account here (`name` holds them)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="lead_spells")
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    family_had_say = models.BooleanField(default=False)
    family_view = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.full_name or self.user.email
        return self.name


class TeamAroundFamilyMember(models.Model):
    """A practitioner on the team around the family. While they are a member they hold a
    TEAM_AROUND_FAMILY involvement on the family (which consent withdrawal may suspend)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="taf_members")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=120)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    involvement = models.ForeignKey(
        "people.Involvement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["joined_on", "pk"]
        indexes = [models.Index(fields=["user", "left_on"], name="taf_member_user_left")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class StepUp(models.Model):
    """The episode stepped up to children's social care; the social worker becomes the lead."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="step_ups")
    decided_on = models.DateField()
    decided_by = models.CharField(max_length=200, help_text="Who made the decision.")
    reason = models.TextField()
    handover_notes = models.TextField(blank=True)
    social_worker = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    social_worker_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"Step up on {self.decided_on}"


class StepDown(models.Model):
    """Children's social care hands the family back to early help."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="step_downs")
    decided_on = models.DateField()
    handover_meeting_on = models.DateField()
    receiving_lead = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    family_consent = models.BooleanField()
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"Step down on {self.decided_on}"


class FollowUpKind(models.TextChoices):
    SUSTAINMENT = "sustainment", "Sustainment check"


class FollowUpTask(models.Model):
    """Something to do about a closed episode, for example the sustainment check months later."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    due = models.DateField()
    assigned_to = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "kind"], name="follow_up_once_per_kind")
        ]
        indexes = [models.Index(fields=["assigned_to", "done_at"], name="follow_up_assignee")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due}"


class NoteKind(models.TextChoices):
    VISIT = "visit", "Visit"
    CALL = "call", "Phone call"
    MESSAGE = "message", "Message"
    OBSERVATION = "observation", "Observation"


class CaseNote(models.Model):
    family = models.ForeignKey("people.Family", on_delete=models.CASCADE, related_name="+")
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    occurred_on = models.DateField()
    text = models.TextField()
    significant = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["family", "-occurred_on"], name="case_note_family")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.family_id}


class AttemptMethod(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    CALL = "call", "Phone call"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    OTHER = "other", "Other"


class AttemptOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    LEFT_MESSAGE = "left_message", "Left a message"
    DECLINED = "declined", "Family declined"
    ENGAGED = "engaged", "Family engaged"
    CANCELLED = "cancelled", "Appointment cancelled or missed"


class EngagementAttempt(models.Model):
    """One try to reach a family who is hard to engage."""

    family = models.ForeignKey("people.Family", on_delete=models.CASCADE, related_name="+")
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, null=True, blank=True, related_name="attempts"
    )
    attempted_on = models.DateField()
    method = models.CharField(max_length=20, choices=AttemptMethod.choices)
    outcome = models.CharField(max_length=20, choices=AttemptOutcome.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-attempted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.attempted_on}"


class OversightKind(models.TextChoices):
    SUPERVISION = "supervision", "Supervision"
    OVERSIGHT = "oversight", "Management oversight"


class SupervisionNote(models.Model):
    """A manager's supervision or management oversight of the family's case."""

    family = models.ForeignKey("people.Family", on_delete=models.CASCADE, related_name="+")
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, null=True, blank=True, related_name="supervision"
    )
    kind = models.CharField(max_length=20, choices=OversightKind.choices)
    occurred_on = models.DateField()
    text = models.TextField()
    actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class ApprovalKind(models.TextChoices):
    STEP_UP = "step_up", "Step up"
    CLOSURE = "closure", "Closure"


class ApprovalDecision(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "No longer needed"


class EpisodeApproval(models.Model):
    """A step up or a closure waiting for a manager's approval, when the council asks for one
    (`CouncilConfiguration.step_up_needs_approval`, `closure_needs_approval`). `details` holds
    what the practitioner proposed, as the step up or closure form gave it; approving carries it
    out through `services.step_up` or `services.close_episode`. One request waits at a time."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(max_length=20, choices=ApprovalKind.choices)
    details = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decision = models.CharField(
        max_length=20, choices=ApprovalDecision.choices, default=ApprovalDecision.PENDING
    )
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True, help_text="The manager's comments; why, if declined.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(decision="pending"),
                name="one_pending_approval_per_episode",
            )
        ]
        indexes = [
            models.Index(fields=["decision", "requested_at"], name="approval_decision_time"),
            models.Index(fields=["episode", "-requested_at"], name="approval_episode_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.episode.family}: {self.get_decision_display()}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.episode.family_id}

    @property
    def is_pending(self) -> bool:
        return self.decision == ApprovalDecision.PENDING
