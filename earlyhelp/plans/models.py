"""The family plan: for each need, the outcome wanted and the actions that get there.

One plan per episode. Edits go to the working copy (a draft); agreeing it with the family keeps
a snapshot as a numbered `PlanVersion`. Every change to the working copy bumps `version`, which
each form carries back: a save against an older number is refused and shown as a conflict
(nothing is overwritten silently)."""

from django.db import models
from simple_history.models import HistoricalRecords

from .codes import ActionOwnerKind, ActionStatus, SupportingFamiliesOutcome


class FamilyPlan(models.Model):
    episode = models.OneToOneField(
        "episodes.Episode", on_delete=models.PROTECT, related_name="family_plan"
    )
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every change: a save against an older number conflicts."
    )
    agreed_version = models.PositiveIntegerField(
        default=0, help_text="The `version` last agreed with the family (0: never agreed)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Family plan for {self.family}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.family_id}

    @property
    def has_draft_changes(self) -> bool:
        return self.version != self.agreed_version


class PlanNeed(models.Model):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="needs")
    need = models.TextField(help_text="What we are worried about, in the family's words.")
    outcome = models.TextField(help_text="What we want to be different.")
    headline_outcome = models.CharField(
        max_length=30, choices=SupportingFamiliesOutcome.choices, blank=True
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.need[:80]

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.plan.family_id}


class PlanAction(models.Model):
    need = models.ForeignKey(PlanNeed, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_kind = models.CharField(max_length=20, choices=ActionOwnerKind.choices)
    owner_user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_organisation = models.CharField(max_length=200, blank=True)
    owner_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    progress = models.TextField(blank=True, help_text="Progress so far (the latest word).")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.need.plan.family_id}

    @property
    def owner_name(self) -> str:
        if self.owner_kind == ActionOwnerKind.PRACTITIONER and self.owner_user is not None:
            return str(self.owner_user)
        if self.owner_kind == ActionOwnerKind.FAMILY_MEMBER and self.owner_person is not None:
            return self.owner_person.full_name
        return self.owner_organisation


class ActionUpdate(models.Model):
    """One progress note on an action, from the plan page or from a meeting."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True, help_text='e.g. "Review on 3 March".')
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.note[:60]}"


class PlanVersion(models.Model):
    """An agreed version of the plan, kept as it was: needs, outcomes and actions as JSON."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    agreed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField()
    agreed_with_family = models.BooleanField(default=True)
    family_present = models.CharField(
        max_length=300, blank=True, help_text="Who in the family agreed it."
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.plan}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.plan.family_id}
