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
from .codes import Disability, Ethnicity, FamilyRole, RelationshipKind, Sex
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
