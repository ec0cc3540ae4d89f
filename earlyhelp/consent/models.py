"""Consent records, safeguarding overrides and the information-sharing decision log.

Consent is a history, never overwritten: the current position for each question is the latest
record (see `current_position`). Sharing decisions record what was shared and every decision not
to share, with the lawful basis (usually public task, not consent)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from earlyhelp.accounts.roles import OrganisationKind

from .codes import (
    ConsentDecision,
    ConsentGivenBy,
    ConsentMethod,
    ConsentScope,
    LawfulBasis,
    SharingOutcome,
)


class ConsentRecord(models.Model):
    family = models.ForeignKey(
        "people.Family", on_delete=models.CASCADE, related_name="consent_records"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consent_records",
        help_text="The child or adult the consent is about; blank for the whole family.",
    )
    scope = models.CharField(max_length=20, choices=ConsentScope.choices)
    share_with_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    share_with_kind = models.CharField(max_length=20, choices=OrganisationKind.choices, blank=True)
    decision = models.CharField(max_length=20, choices=ConsentDecision.choices)
    given_by = models.CharField(max_length=20, choices=ConsentGivenBy.choices)
    given_by_name = models.CharField(max_length=200)
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    decided_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["family", "scope"], name="consent_family_scope")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope=ConsentScope.SHARE)
                | Q(share_with_organisation__isnull=True, share_with_kind=""),
                name="consent_share_target_only_for_sharing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.target}: {self.get_decision_display().lower()}"

    @property
    def target(self) -> str:
        if self.share_with_organisation_id:
            return f"with {self.share_with_organisation}"
        if self.share_with_kind:
            return f"with any {self.get_share_with_kind_display().lower()}"
        return "with partner agencies" if self.scope == ConsentScope.SHARE else ""

    @property
    def question(self) -> tuple:
        """Records answering the same question; the latest one is the current position."""
        return (
            self.scope,
            self.person_id,
            self.share_with_organisation_id,
            self.share_with_kind,
        )

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": self.person_id, "family_id": self.family_id}


class SafeguardingOverride(models.Model):
    """A manager's decision that partners keep access although consent to share was withdrawn
    or refused, because a child's safety comes before privacy. Blank target = every partner."""

    family = models.ForeignKey(
        "people.Family", on_delete=models.CASCADE, related_name="safeguarding_overrides"
    )
    share_with_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    share_with_kind = models.CharField(max_length=20, choices=OrganisationKind.choices, blank=True)
    reason = models.TextField()
    approved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Safeguarding override for {self.family}"


class SharingDecision(models.Model):
    family = models.ForeignKey(
        "people.Family", on_delete=models.CASCADE, related_name="sharing_decisions"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    information = models.TextField(help_text="What information.")
    shared_with_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    shared_with_name = models.CharField(max_length=200, blank=True)
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    with_consent = models.BooleanField()
    without_consent_reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=SharingOutcome.choices)
    rationale = models.TextField()
    family_told = models.BooleanField()
    family_not_told_reason = models.TextField(blank=True)
    decided_on = models.DateField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["family", "-decided_on"], name="sharing_family_date")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} with {self.shared_with_organisation}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": self.person_id, "family_id": self.family_id}


def current_position(records: list[ConsentRecord]) -> list[ConsentRecord]:
    """The latest record for each question, from records ordered newest first."""
    seen: set[tuple] = set()
    current = []
    for record in records:
        if record.question not in seen:
            seen.add(record.question)
            current.append(record)
    return current
