"""Requests for support (contacts) to the front door, their RAG ratings, decisions, attachments,
consultation-line calls and professional disagreements.

A contact's `rag`, `due_at` and `decision_due_at` are the current position, kept in step by
services.py; the full history of RAG ratings is in `RagRating`."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .codes import (
    ContactMethod,
    ContactSource,
    ContactStatus,
    DisagreementStage,
    DisagreementStatus,
    FamilyConsent,
    Outcome,
    Rag,
    ThresholdMet,
    Urgency,
)


class Contact(models.Model):
    reference = models.CharField(
        max_length=20, unique=True, help_text="For example FD-2026-000123."
    )
    status = models.CharField(
        max_length=30, choices=ContactStatus.choices, default=ContactStatus.DRAFT
    )
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    source = models.CharField(max_length=3, choices=ContactSource.choices, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    # Who asked. A practitioner's request carries their account; a family's own request does not.
    referrer = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    referrer_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=50, blank=True)
    referrer_relationship = models.CharField(
        max_length=100, blank=True, help_text="For a family's own request: who is asking."
    )

    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    worries = models.JSONField(default=list, blank=True, help_text="Worry codes (codes.Worry).")
    worries_detail = models.TextField(blank=True)
    already_tried = models.TextField(blank=True)
    family_consent = models.CharField(max_length=20, choices=FamilyConsent.choices, blank=True)
    consent_detail = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)
    # What a draft holds that has no column yet (for example children not yet matched to people).
    draft = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)

    # Screening.
    claimed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    rag = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="RAG target: red, amber, green working hours."
    )
    decision_due_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["referrer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="contact_idempotency_key_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="contact_queue"),
            models.Index(fields=["status", "received_at"], name="contact_status_received"),
            models.Index(fields=["referrer", "-created_at"], name="contact_referrer"),
            models.Index(fields=["family", "-received_at"], name="contact_family"),
        ]

    def __str__(self) -> str:
        return self.reference

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.family_id}


class ContactSubject(models.Model):
    """A child or adult a request is about, matched to a person record (search before create)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="contacts")
    is_child = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_subject_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.contact}"


class RagRating(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="rag_ratings")
    rag = models.CharField(max_length=5, choices=Rag.choices)
    rationale = models.TextField()
    rated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-rated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_rag_display()} for {self.contact}"


class ContactDecision(models.Model):
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rationale = models.TextField()
    signposted_to = models.TextField(blank=True)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    needs_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True)
    #: Working hours from receipt to the (approved) decision, against the target.
    working_hours_taken = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    within_target = models.BooleanField(null=True, blank=True)
    referrer_told_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} for {self.contact}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.contact.family_id}


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"contacts/{instance.contact_id}/{filename}"


class Attachment(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class ConsultationCall(models.Model):
    """Advice given to a professional on the consultation line."""

    caller_name = models.CharField(max_length=200)
    caller_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    caller_agency = models.CharField(max_length=200, blank=True)
    caller_phone = models.CharField(max_length=50, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_calls",
    )
    question = models.TextField()
    advice = models.TextField()
    threshold_met = models.CharField(max_length=10, choices=ThresholdMet.choices)
    follow_up = models.TextField(blank=True)
    called_at = models.DateTimeField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-called_at"]

    def __str__(self) -> str:
        return f"Consultation call from {self.caller_name}"


class Disagreement(models.Model):
    """A referrer's professional disagreement with a front-door decision, escalated in stages."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="disagreements")
    raised_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    stage = models.PositiveSmallIntegerField(
        choices=DisagreementStage.choices, default=DisagreementStage.PRACTITIONERS
    )
    status = models.CharField(
        max_length=10, choices=DisagreementStatus.choices, default=DisagreementStatus.OPEN
    )
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Disagreement about {self.contact}"


class DisagreementNote(models.Model):
    """Each step of an escalation: who said what at which stage."""

    disagreement = models.ForeignKey(Disagreement, on_delete=models.CASCADE, related_name="notes")
    stage = models.PositiveSmallIntegerField(choices=DisagreementStage.choices)
    note = models.TextField()
    written_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"Stage {self.stage} note on {self.disagreement}"


class Notification(models.Model):
    """A message for a user inside the product (the referrer is told the outcome here and by
    email)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message
