"""Early help assessments: templates held as versioned data, the assessment a lead practitioner
writes for an episode, and the area scores that show a family's distance travelled.

A template's `sections` is a list of sections, each a page of the assessment::

    {"key": "development", "title": "Child's developmental needs", "area": true,
     "per_child": false, "intro": "...",
     "questions": [{"key": "development_strengths", "label": "Strengths", "hint": "...",
                    "kind": "long_text", "required": false, "choices": [["yes", "Yes"], ...]}]}

`kind` is one of QuestionKind. A section with `"area": true` is an area of the Assessment
Framework triangle: its `score` question is the area's 1-10 score, written to `AreaScore` when
the assessment is submitted. A section with `"per_child": true` is asked once per child in
scope: the answer key is `<question key>__<person id>`. Question keys are unique in a template.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class QuestionKind(models.TextChoices):
    TEXT = "text", "Short text"
    LONG_TEXT = "long_text", "Long text"
    SCORE = "score", "Score from 1 to 10"
    CHOICE = "choice", "Choice"


SCORE_MIN, SCORE_MAX = 1, 10


def validate_sections(sections: Any) -> None:
    """Refuse a template whose sections the pages could not show."""
    if not isinstance(sections, list) or not sections:
        raise ValidationError({"sections": "Give at least one section."})
    section_keys: set[str] = set()
    question_keys: set[str] = set()
    for section in sections:
        if not isinstance(section, dict) or not section.get("key") or not section.get("title"):
            raise ValidationError({"sections": "Every section needs a key and a title."})
        key = str(section["key"])
        if not key.replace("_", "").isalnum() or key != key.lower() or key in section_keys:
            raise ValidationError(
                {"sections": f"Section key {key!r} must be unique, lower case letters and _."}
            )
        if key in {"submit", "sign-off", "agreement", "print", "autosave"}:
            raise ValidationError({"sections": f"Section key {key!r} is reserved."})
        section_keys.add(key)
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            raise ValidationError({"sections": f"Section {key!r} needs questions."})
        scores = 0
        for question in questions:
            qkey = str(question.get("key", "")) if isinstance(question, dict) else ""
            if not qkey or not question.get("label"):
                raise ValidationError({"sections": f"A question in {key!r} lacks a key or label."})
            if qkey in question_keys or "__" in qkey:
                raise ValidationError(
                    {"sections": f"Question key {qkey!r} must be unique and not contain '__'."}
                )
            question_keys.add(qkey)
            kind = question.get("kind")
            if kind not in QuestionKind.values:
                raise ValidationError({"sections": f"Question {qkey!r}: unknown kind {kind!r}."})
            if kind == QuestionKind.CHOICE and not question.get("choices"):
                raise ValidationError({"sections": f"Question {qkey!r} needs choices."})
            scores += kind == QuestionKind.SCORE
        if section.get("area") and scores != 1:
            raise ValidationError({"sections": f"Area {key!r} needs exactly one score question."})


class AssessmentTemplate(models.Model):
    """One version of an assessment form. Publish a new version rather than changing one in
    use: an assessment keeps the version it started with."""

    name = models.CharField(max_length=120)
    version = models.PositiveIntegerField(default=1)
    published = models.BooleanField(
        default=False, help_text="New assessments use the newest published version."
    )
    description = models.TextField(blank=True)
    sections = models.JSONField(default=list, help_text="Sections and questions (see docs).")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="assessment_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def clean(self) -> None:
        validate_sections(self.sections)

    def section(self, key: str) -> dict[str, Any] | None:
        return next((s for s in self.sections if s["key"] == key), None)

    def areas(self) -> list[tuple[str, str]]:
        """(area key, label) for each area of the triangle, in order."""
        return [
            (s["key"], s.get("area_label") or s["title"]) for s in self.sections if s.get("area")
        ]


class AssessmentSettings(models.Model):
    """Assessment settings the council may change (one row)."""

    managers_sign_off = models.BooleanField(
        default=True,
        help_text="A team manager signs off each submitted assessment (or returns it).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "assessment settings"
        verbose_name_plural = "assessment settings"

    def __str__(self) -> str:
        return "Assessment settings"

    @classmethod
    def current(cls) -> "AssessmentSettings":
        settings = cls.objects.order_by("pk").first()
        return settings if settings is not None else cls.objects.create()


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    SIGNED_OFF = "signed_off", "Signed off"
    RETURNED = "returned", "Returned for changes"


EDITABLE = (AssessmentStatus.IN_PROGRESS, AssessmentStatus.RETURNED)


class AgreementMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone or video call"
    SIGNED = "signed", "Signed copy"
    OTHER = "other", "Another way"


class Assessment(models.Model):
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="assessments"
    )
    template = models.ForeignKey(
        AssessmentTemplate, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    started_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    due_on = models.DateField()
    answers = models.JSONField(default=dict, blank=True)
    #: Section key → version number; a save made from an older version is a conflict.
    section_versions = models.JSONField(default=dict, blank=True)
    #: Section key → {"by": user id, "by_name": ..., "at": iso time} of the last save.
    section_saved = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    manager_comments = models.TextField(blank=True)
    agreed_by = models.CharField(max_length=200, blank=True)
    agreement_method = models.CharField(max_length=20, choices=AgreementMethod.choices, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    agreement_comments = models.TextField(blank=True)
    agreement_recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["section_saved"])

    class Meta:
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="assessment_status_due")]

    def __str__(self) -> str:
        return f"Early help assessment for {self.episode.family}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.episode.family_id}

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    def version_of(self, section_key: str) -> int:
        return int(self.section_versions.get(section_key, 0))


class AreaScoreSource(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    REVIEW = "review", "Review"


class AreaScore(models.Model):
    """One area of the triangle scored at one time (1 = serious concern, 10 = going well)."""

    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, related_name="area_scores"
    )
    area_key = models.CharField(max_length=60)
    area_label = models.CharField(max_length=200)
    score = models.PositiveSmallIntegerField()
    scored_on = models.DateField()
    source = models.CharField(max_length=20, choices=AreaScoreSource.choices)
    source_id = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["episode", "area_key", "scored_on", "pk"]
        indexes = [models.Index(fields=["episode", "area_key", "scored_on"], name="area_score")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX),
                name="area_score_one_to_ten",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_label}: {self.score} on {self.scored_on}"

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.episode.family_id}
