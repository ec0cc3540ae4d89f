"""Code lists for consent and information sharing.

Sources: HM Government, *Information sharing: advice for practitioners providing safeguarding
services* (2024, the seven golden rules); UK GDPR Article 6 (lawful bases)."""

from django.db import models


class ConsentScope(models.TextChoices):
    TAKE_PART = "take_part", "To take part in early help"
    ASSESSMENT = "assessment", "To an early help assessment"
    SHARE = "share", "To share information"


class ConsentDecision(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsentGivenBy(models.TextChoices):
    PARENT_CARER = "parent_carer", "A parent or carer"
    YOUNG_PERSON = "young_person", "The young person (judged competent to decide)"


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", "Verbally"
    WRITTEN = "written", "In writing"
    ELECTRONIC = "electronic", "Electronic signature"


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", "Public task"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    CONSENT = "consent", "Consent"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"


class SharingOutcome(models.TextChoices):
    SHARED = "shared", "Shared"
    NOT_SHARED = "not_shared", "Not shared"
