"""People, their addresses, families (households over time) and relationships.

Every table keeps its change history (django-simple-history) so each change carries who, when and
why. Matching keys on `Person` are derived from the names and current address and kept in step by
`save()` and `services.add_address`, so search can block on indexed columns."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from . import matching
from .codes import Disability, Ethnicity, FamilyRole, InvolvementReason, RelationshipKind, Sex
from .identifiers import (
    nhs_number_validator,
    normalise_postcode,
    postcode_district,
    postcode_validator,
    upn_validator,
)


def _validate_disabilities(value: Any) -> None:
    if not isinstance(value, list) or any(code not in Disability.values for code in value):
        raise ValidationError("Choose disability codes from the list")
    if Disability.NONE in value and len(value) > 1:
        raise ValidationError("Select 'No disability' on its own")


def _unique_when_set(field: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=[field], condition=~Q(**{field: ""}), name=f"person_unique_{field}"
    )


class Person(models.Model):
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    other_names = models.TextField(
        blank=True,
        help_text="Aliases and previous names, one per line (e.g. a surname before marriage).",
    )
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(default=False)
    expected_date_of_birth = models.DateField(
        null=True, blank=True, help_text="For an unborn child."
    )
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(
        max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT, blank=True
    )
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    religion = models.CharField(max_length=100, blank=True)
    disabilities = models.JSONField(default=list, blank=True, validators=[_validate_disabilities])
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[nhs_number_validator]
    )
    upn = models.CharField("UPN", max_length=13, blank=True, validators=[upn_validator])
    council_person_id = models.CharField(max_length=50, blank=True)
    source_id = models.CharField(
        max_length=100, blank=True, help_text="The person's id in the system imported from."
    )
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    is_restricted = models.BooleanField(
        default=False, help_text="The record needs extra protection (e.g. a member of staff)."
    )
    date_of_death = models.DateField(null=True, blank=True)
    # Set when a manager merges this record into another (see merge.py); a merged record is
    # hidden from search and lists but kept so the merge can be undone.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Matching keys (derived; see matching.py): never edited directly.
    family_name_key = models.CharField(max_length=12, blank=True, editable=False)
    given_name_key = models.CharField(max_length=12, blank=True, editable=False)
    postcode = models.CharField(max_length=8, blank=True, editable=False)
    postcode_district = models.CharField(max_length=4, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "people"
        constraints = [
            _unique_when_set("nhs_number"),
            _unique_when_set("upn"),
            _unique_when_set("council_person_id"),
            _unique_when_set("source_id"),
        ]
        # Exactly the lookups search.find_candidates makes (see matching.blocking_keys).
        indexes = [
            models.Index(fields=["date_of_birth"], name="person_dob"),
            models.Index(fields=["family_name_key", "date_of_birth"], name="person_surname_dob"),
            models.Index(fields=["family_name_key", "given_name_key"], name="person_names"),
            models.Index(fields=["given_name_key", "date_of_birth"], name="person_given_dob"),
            models.Index(fields=["postcode"], name="person_postcode"),
            models.Index(
                fields=["family_name_key", "postcode_district"], name="person_surname_district"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or f"Person {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_matching_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "family_name_key", "given_name_key"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def refresh_matching_keys(self) -> None:
        self.family_name_key = matching.family_name_key(self.family_name)
        self.given_name_key = matching.given_name_key(self.given_name)

    def set_current_postcode(self, postcode: str | None) -> None:
        self.postcode = normalise_postcode(postcode) or ""
        self.postcode_district = postcode_district(self.postcode)

    def as_record(self) -> matching.PersonRecord:
        return matching.PersonRecord(
            given_name=self.given_name,
            family_name=self.family_name,
            other_names=tuple(line for line in self.other_names.splitlines() if line.strip()),
            date_of_birth=self.date_of_birth,
            sex=self.sex if self.sex != Sex.UNKNOWN else "",
            postcode=self.postcode,
            nhs_number=self.nhs_number,
            upn=self.upn,
            council_person_id=self.council_person_id,
            source_id=self.source_id,
            key=self.pk,
        )

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": self.pk, "family_id": None}


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, validators=[postcode_validator])
    is_current = models.BooleanField(default=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    # Telling an abuser where a victim lives can kill. A confidential address is shown only to
    # named roles; everyone else sees that there is one and is told who to ask.
    is_confidential = models.BooleanField(
        "address is confidential",
        default=False,
        help_text="Hide this address from everyone except named roles (e.g. fleeing domestic abuse).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_current=True), name="address_one_current"
            ),
            models.CheckConstraint(
                condition=Q(to_date__isnull=True)
                | Q(from_date__isnull=True)
                | Q(to_date__gte=F("from_date")),
                name="address_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.town, self.postcode) if p)

    def clean(self) -> None:
        self.postcode = normalise_postcode(self.postcode) or self.postcode


class Family(models.Model):
    name = models.CharField(max_length=200, help_text='For example "Smith family".')
    is_restricted = models.BooleanField(
        default=False,
        help_text="The family's record needs extra protection: only people with a personal "
        "reason (for example the lead practitioner) see it, never a whole team or school.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.name

    def audit_subject(self) -> dict[str, int | None]:
        return {"person_id": None, "family_id": self.pk}


class FamilyMember(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_memberships")
    role = models.CharField(max_length=20, choices=FamilyRole.choices)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["family", "person"],
                condition=Q(left_on__isnull=True),
                name="family_member_one_active",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="family_member_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}) in {self.family}"


class Relationship(models.Model):
    """`related_person` is `person`'s <kind>: e.g. kind=mother means related_person is the mother."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    related_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    has_parental_responsibility = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=F("related_person")), name="relationship_not_to_self"
            ),
            models.UniqueConstraint(
                fields=["person", "related_person", "kind"], name="relationship_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.related_person} is {self.person}'s {self.get_kind_display().lower()}"


class Involvement(models.Model):
    """A reason someone has to see a person's or a family's record: the need-to-know rule.

    Exactly one of `family` / `person` says what the reason is about, and exactly one of
    `user` / `team` / `organisation` says who holds it (a user personally, every current member
    of a team, or an organisation's designated safeguarding leads). Other parts of the product
    (front door, episodes, schools) start and end involvements through people.services; the
    access policy in access.py is one indexed EXISTS over this table. An involvement that has
    ended, or whose `expires_at` has passed, gives nothing.
    """

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, null=True, blank=True, related_name="involvements"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="involvements"
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvements",
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=30, choices=InvolvementReason.choices)
    note = models.TextField(blank=True, help_text="Why, in words (required for break-glass).")
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # A partner's access that rests on the family's consent to share is suspended (not ended)
    # when that consent is withdrawn, and resumes with new consent or a safeguarding override.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(family__isnull=True, person__isnull=False)
                | Q(family__isnull=False, person__isnull=True),
                name="involvement_family_or_person",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, team__isnull=True, organisation__isnull=True)
                | Q(user__isnull=True, team__isnull=False, organisation__isnull=True)
                | Q(user__isnull=True, team__isnull=True, organisation__isnull=False),
                name="involvement_one_holder",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "ended_at"], name="involvement_person"),
            models.Index(fields=["family", "ended_at"], name="involvement_family"),
            models.Index(fields=["user", "ended_at"], name="involvement_user"),
            models.Index(fields=["team", "ended_at"], name="involvement_team"),
        ]

    def __str__(self) -> str:
        holder = self.user or self.team or self.organisation
        subject = self.person or self.family
        return f"{holder}: {self.get_reason_display()} for {subject}"


class PersonMerge(models.Model):
    """A manager's decision that two records are the same person. `moved` lists every row that
    was re-pointed from `merged` to `kept`, so the merge can be undone exactly."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    reason = models.TextField()
    merged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    moved = models.JSONField(default=dict, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged} merged into {self.kept}"
