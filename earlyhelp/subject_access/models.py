"""Subject access requests: the disclosure log.

One row per request for the personal data held about one person (UK GDPR Article 15). The due
date is computed from the date received (one calendar month, see dates.py); an extension for a
complex request sets a later one. The officer's redaction decisions (which third parties'
details are released) are kept on the row, so the change history shows who decided what."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .codes import OPEN_STATUSES, RequesterRelationship, RequestStatus
from .dates import due_date


class SubjectAccessRequest(models.Model):
    # PROTECT: a person with a request in the log cannot be deleted behind the log's back.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    requester_name = models.CharField(max_length=200)
    requester_relationship = models.CharField(max_length=20, choices=RequesterRelationship.choices)
    received_on = models.DateField()
    due_on = models.DateField(editable=False, help_text="One calendar month after receipt.")
    extended = models.BooleanField(default=False)
    extension_reason = models.TextField(blank=True)
    extended_due_on = models.DateField(null=True, blank=True)
    identity_checked = models.BooleanField(default=False)
    identity_check_method = models.CharField(
        max_length=200, blank=True, help_text="For example: passport seen at the office."
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    released_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # {"release": [person ids whose details are released], "withhold_own_confidential":
    # bool, "reviewed": bool}. Everyone else mentioned is redacted.
    redactions = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="sar_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_due_on__isnull=True) | Q(extended_due_on__gt=F("due_on")),
                name="sar_extension_after_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.pk} about {self.person}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.due_on = due_date(self.received_on)
        super().save(*args, **kwargs)

    @property
    def deadline(self) -> date:
        """When the answer is due: the extended date if the request was extended."""
        if self.extended and self.extended_due_on:
            return self.extended_due_on
        return self.due_on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.deadline < today

    @property
    def released_person_ids(self) -> set[int]:
        return {int(pk) for pk in (self.redactions or {}).get("release", [])}

    @property
    def withhold_own_confidential(self) -> bool:
        return bool((self.redactions or {}).get("withhold_own_confidential", False))

    @property
    def redactions_reviewed(self) -> bool:
        return bool((self.redactions or {}).get("reviewed", False))

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": self.person_id, "family_id": None}
