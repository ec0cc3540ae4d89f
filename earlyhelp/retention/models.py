"""How long family records are kept, legal holds that stop them being removed, the reviews the
periodic job raises when a family's records are due, and the record of each anonymisation.

Rules are data (edited in the admin, seeded with a default by migration 0002): exactly one rule
is active at a time and it applies to every family and the people in it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class RuleKind(models.TextChoices):
    YOUNGEST_CHILD_AGE = (
        "youngest_child_age",
        "Until the youngest child in the family reaches an age",
    )
    YEARS_AFTER_LAST_ACTIVITY = (
        "years_after_last_activity",
        "A number of years after the family's last activity",
    )


class AppliesTo(models.TextChoices):
    FAMILIES = "families", "Families and the people in them"


class RetentionRule(models.Model):
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=30, choices=RuleKind.choices)
    age = models.PositiveSmallIntegerField(
        default=25,
        help_text="For 'until the youngest child reaches an age': that age in years.",
    )
    years = models.PositiveSmallIntegerField(
        default=6,
        help_text="Years after the family's last activity. For the youngest-child rule, used "
        "only for families with no child whose date of birth is known.",
    )
    applies_to = models.CharField(
        max_length=20, choices=AppliesTo.choices, default=AppliesTo.FAMILIES
    )
    is_active = models.BooleanField(
        default=False, help_text="The rule the retention job applies. Only one can be active."
    )
    description = models.TextField(blank=True, help_text="Why the council keeps records this long.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="retention_one_active_rule"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def explain(self) -> str:
        if self.kind == RuleKind.YOUNGEST_CHILD_AGE:
            return (
                f"Kept until the youngest child in the family is {self.age}"
                f" (families with no known child's date of birth: {self.years} years after"
                " their last activity)."
            )
        return f"Kept for {self.years} years after the family's last activity."


class LegalHold(models.Model):
    """While a hold is in force (not lifted) the family is never due and cannot be anonymised."""

    family = models.ForeignKey(
        "people.Family", on_delete=models.CASCADE, related_name="legal_holds"
    )
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_on = models.DateTimeField(auto_now_add=True)
    lifted_on = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lift_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(lifted_on__isnull=True), name="retention_one_hold"
            ),
        ]

    def __str__(self) -> str:
        return f"Legal hold on family {self.family_id}"


class ReviewStatus(models.TextChoices):
    DUE = "due", "Due for review"
    KEPT = "kept", "Kept"
    NO_LONGER_DUE = "no_longer_due", "No longer due"
    ERASED = "erased", "Erased"
    ANONYMISED = "anonymised", "Anonymised"


class RetentionReview(models.Model):
    """One decision about one family's records. The job opens a review (status due) when the
    family becomes due; the data protection officer closes it by keeping or anonymising."""

    family = models.ForeignKey(
        "people.Family", on_delete=models.CASCADE, related_name="retention_reviews"
    )
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="reviews")
    due_since = models.DateField()
    why = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DUE)
    raised_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    next_review_on = models.DateField(
        null=True, blank=True, help_text="For a family kept: not due again before this date."
    )

    class Meta:
        ordering = ["due_since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(status="due"), name="retention_one_open_review"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_since"], name="retention_review_status"),
            models.Index(fields=["family", "status"], name="retention_review_family"),
        ]

    def __str__(self) -> str:
        return f"Retention review of family {self.family_id}: {self.get_status_display()}"


class ErasureRecord(models.Model):
    """What was anonymised, by whom, when and why: ids and counts only, never personal data."""

    family_id = models.BigIntegerField(db_index=True)
    method = models.CharField(
        max_length=20,
        choices=[(ReviewStatus.ANONYMISED, "Anonymised"), (ReviewStatus.ERASED, "Erased")],
        default=ReviewStatus.ANONYMISED,
    )
    people_anonymised = models.PositiveIntegerField()
    people_left_alone = models.PositiveIntegerField()
    left_alone_ids = models.JSONField(
        default=list, blank=True, help_text="People also in another family that is not due."
    )
    addresses_deleted = models.PositiveIntegerField()
    history_rows_removed = models.PositiveIntegerField()
    records_cleared = models.PositiveIntegerField(
        help_text="Consent records, sharing decisions and involvements whose free text was cleared."
    )
    reason = models.TextField()
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    erased_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Family {self.family_id} {self.method} on {self.erased_at:%d %B %Y}"
