"""Foundation tables: the append-only access log and the council's own configuration."""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    BREAK_GLASS = "break_glass", "Break-glass view"
    API_READ = "api_read", "Read through the API"
    OVERRIDE = "override", "Safeguarding override of consent"


class AccessEvent(models.Model):
    """One read of case data: who, what, whose record, why, and when.

    Rows are never changed or removed: database triggers (migration 0002) refuse UPDATE and
    DELETE on both SQLite and PostgreSQL, so not even a bug or a shell session can rewrite history.
    Each row also carries the SHA-256 of its predecessor and of itself (a hash chain, migration
    0004), so a row changed or removed behind the triggers' back is found by
    `earlyhelp audit verify`. Rows are written only by `core.audit.append_access_event`.
    """

    # Set by the writer, not auto_now_add: the time is part of the row's hash, so it must be
    # known before the row is saved.
    occurred_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
    )
    # Snapshot so the trail still reads correctly if the user's email changes later.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    object_type = models.CharField(max_length=60, help_text="What was read, e.g. 'person'.")
    object_id = models.CharField(max_length=64, blank=True)
    description = models.CharField(max_length=255, blank=True)
    # Plain integers, not foreign keys: core knows nothing of the people app, and the trail
    # must outlive the records it talks about (erasure keeps the audit entry).
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    family_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=500, blank=True)
    # Hex SHA-256 digests; see core.audit.chain_hash. The first row follows CHAIN_GENESIS.
    previous_hash = models.CharField(max_length=64, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["actor", "-occurred_at"], name="access_actor_time")]
        constraints = [
            # A row written without going through the chain writer is refused outright.
            models.CheckConstraint(condition=~Q(row_hash=""), name="access_event_is_chained"),
            # Two writers that both read the same head cannot both succeed: the chain never forks.
            models.UniqueConstraint(fields=["previous_hash"], name="access_event_one_successor"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type} {self.object_id}"


class CouncilConfiguration(models.Model):
    """The council's words and timescales. One row; edited in the admin, seeded with defaults."""

    council_name = models.CharField(max_length=120, default="Example Council")
    service_name = models.CharField(
        max_length=60, default="Early Help", help_text='For example "Early Help" or "Family Help".'
    )
    meeting_name = models.CharField(max_length=80, default="Team Around the Family")
    front_door_name = models.CharField(max_length=60, default="Front Door")
    front_door_decision_working_days = models.PositiveSmallIntegerField(default=1)
    rag_red_working_hours = models.PositiveSmallIntegerField(default=4)
    rag_amber_working_hours = models.PositiveSmallIntegerField(default=24)
    rag_green_working_hours = models.PositiveSmallIntegerField(default=72)
    front_door_decisions_need_approval = models.BooleanField(
        default=False,
        help_text="A front-door team manager approves each screener's decision before the "
        "referrer is told.",
    )
    assessment_working_days = models.PositiveSmallIntegerField(default=10)
    review_interval_weeks = models.PositiveSmallIntegerField(default=6)
    sustainment_check_months = models.PositiveSmallIntegerField(
        default=3,
        help_text="Months after an episode closes when its former lead practitioner checks the "
        "family is still doing well (a follow-up task).",
    )
    no_contact_weeks = models.PositiveSmallIntegerField(
        default=4,
        help_text="Weeks without a visit, call or message to an open family before its episode "
        "shows on the needs-attention lists.",
    )
    step_up_needs_approval = models.BooleanField(
        default=False,
        help_text="A team manager approves a step up to children's social care before it "
        "takes effect.",
    )
    closure_needs_approval = models.BooleanField(
        default=False,
        help_text="A team manager approves the closure of an episode before it takes effect.",
    )
    working_day_starts = models.TimeField(default=time(9, 0))
    working_day_ends = models.TimeField(default=time(17, 0))
    history = HistoricalRecords()

    class Meta:
        verbose_name = "council configuration"
        verbose_name_plural = "council configuration"

    def __str__(self) -> str:
        return f"{self.council_name}: {self.service_name}"

    @classmethod
    def current(cls) -> "CouncilConfiguration":
        config = cls.objects.order_by("pk").first()
        if config is None:
            config = cls.objects.create()
        return config


class LevelOfNeed(models.Model):
    """A level on the council's continuum of need (DOMAIN.md section 2)."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField()
    response = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "levels of need"

    def __str__(self) -> str:
        return f"Level {self.number}: {self.name}"


class ClosureReason(models.Model):
    """Why an episode closed. `code` is stable for reporting; `label` is the council's wording."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label
