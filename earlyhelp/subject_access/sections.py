"""The people and consent sections of a subject access document (registered in apps.py).

Everything the people and consent apps hold about the subject: their record, addresses,
families and the people in them, relationships, who worked with them, consent and sharing
decisions for their families, the change history of their record and who looked at it."""

from typing import Any

from django.db.models import Q

from earlyhelp.consent.models import ConsentRecord, SafeguardingOverride, SharingDecision
from earlyhelp.core.models import AccessEvent
from earlyhelp.people.models import Address, FamilyMember, Involvement, Person, Relationship

from .gather import Entry, Subject, describe_address, entry, person_ref

# Derived matching keys are held too, so they are disclosed; they are not worth a heading.
_IDENTIFIERS = ("nhs_number", "upn", "council_person_id", "source_id")


def _staff(user: Any) -> str | None:
    if user is None:
        return None
    return user.full_name or user.email


def _about(person: Person | None, subject: Subject, *, redact_as: str) -> Any:
    if person is None:
        return "The whole family"
    if person.pk in subject.ids:
        return "You"
    return person_ref(person, redact_as=redact_as)


def _record_fields(person: Person) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for field in Person._meta.concrete_fields:
        if field.name == "merged_into":
            fields["merged_into_record"] = person.merged_into_id
            continue
        value = getattr(person, field.attname)
        if field.choices and value != "":
            value = getattr(person, f"get_{field.name}_display")()
        fields[field.name] = value
    return fields


def record(subject: Subject) -> list[Entry]:
    entries = [entry("Your record", **_record_fields(subject.person))]
    entries.append(
        entry(
            "Identifiers",
            **{name: getattr(subject.person, name) or None for name in _IDENTIFIERS},
        )
    )
    for merged in subject.merged:
        entries.append(entry(f"Record {merged.pk}, merged into yours", **_record_fields(merged)))
    return entries


def addresses(subject: Subject) -> list[Entry]:
    rows = Address.objects.filter(person_id__in=subject.ids).order_by(
        "-is_current", "-from_date", "-pk"
    )
    return [
        entry("Current address" if a.is_current else "Previous address", **describe_address(a))
        for a in rows
    ]


def _family_ids(subject: Subject) -> list[int]:
    return list(
        FamilyMember.objects.filter(person_id__in=subject.ids)
        .values_list("family_id", flat=True)
        .distinct()
    )


def families(subject: Subject) -> list[Entry]:
    memberships = (
        FamilyMember.objects.filter(family_id__in=_family_ids(subject))
        .select_related("family", "person")
        .prefetch_related("person__addresses")
        .order_by("family_id", "joined_on", "pk")
    )
    by_family: dict[int, dict[str, Any]] = {}
    for m in memberships:
        family = by_family.setdefault(
            m.family_id,
            {"name": m.family.name, "record": m.family_id, "yours": [], "members": []},
        )
        dates = {"role": m.get_role_display(), "joined_on": m.joined_on, "left_on": m.left_on}
        if m.person_id in subject.ids:
            family["yours"].append(dates)
        else:
            family["members"].append({"person": person_ref(m.person), **dates})
    return [
        entry(
            f["name"],
            family_record_number=f["record"],
            your_membership=f["yours"],
            other_members=f["members"],
        )
        for f in by_family.values()
    ]


def relationships(subject: Subject) -> list[Entry]:
    rows = (
        Relationship.objects.filter(
            Q(person_id__in=subject.ids) | Q(related_person_id__in=subject.ids)
        )
        .select_related("person", "related_person")
        .prefetch_related("person__addresses", "related_person__addresses")
        .order_by("pk")
    )
    entries = []
    for r in rows:
        kind = r.get_kind_display().lower()
        if r.person_id in subject.ids:
            other, how = r.related_person, f"They are your {kind}"
        else:
            other, how = r.person, f"You are their {kind}"
        entries.append(
            entry(
                "Relationship",
                person=person_ref(other, redact_as="related person"),
                how_related=how,
                parental_responsibility=r.has_parental_responsibility,
            )
        )
    return entries


def _holder(i: Involvement) -> str:
    if i.user is not None:
        return _staff(i.user) or ""
    if i.team is not None:
        return f"{i.team.name} ({i.team.organisation.name})"
    return f"{i.organisation.name} (designated safeguarding leads)" if i.organisation else ""


def involvements(subject: Subject) -> list[Entry]:
    rows = (
        Involvement.objects.filter(
            Q(person_id__in=subject.ids) | Q(family_id__in=_family_ids(subject))
        )
        .select_related("user", "team__organisation", "organisation", "family", "recorded_by")
        .order_by("started_at", "pk")
    )
    return [
        entry(
            i.get_reason_display(),
            who=_holder(i),
            about=i.family.name if i.family else "You",
            started_at=i.started_at,
            ended_at=i.ended_at,
            expires_at=i.expires_at,
            suspended_at=i.suspended_at,
            suspended_reason=i.suspended_reason,
            note=i.note,
            recorded_by=_staff(i.recorded_by),
        )
        for i in rows
    ]


def consent(subject: Subject) -> list[Entry]:
    rows = (
        ConsentRecord.objects.filter(family_id__in=_family_ids(subject))
        .select_related("family", "person", "share_with_organisation", "recorded_by")
        .prefetch_related("person__addresses")
        .order_by("decided_on", "recorded_at", "pk")
    )
    return [
        entry(
            f"Consent {c.get_scope_display().lower()} {c.target}".strip(),
            family=c.family.name,
            about=_about(c.person, subject, redact_as="family member"),
            decision=c.get_decision_display(),
            given_by=c.get_given_by_display(),
            given_by_name=c.given_by_name,
            method=c.get_method_display(),
            decided_on=c.decided_on,
            review_on=c.review_on,
            notes=c.notes,
            recorded_by=_staff(c.recorded_by),
        )
        for c in rows
    ]


def sharing(subject: Subject) -> list[Entry]:
    rows = (
        SharingDecision.objects.filter(family_id__in=_family_ids(subject))
        .select_related("family", "person", "shared_with_organisation", "approved_by")
        .select_related("recorded_by")
        .prefetch_related("person__addresses")
        .order_by("decided_on", "recorded_at", "pk")
    )
    return [
        entry(
            f"{d.get_outcome_display()} with {d.shared_with_organisation}",
            family=d.family.name,
            about=_about(d.person, subject, redact_as="family member"),
            information=d.information,
            organisation=str(d.shared_with_organisation),
            person_there=d.shared_with_name,
            purpose=d.purpose,
            lawful_basis=d.get_lawful_basis_display(),
            with_consent=d.with_consent,
            without_consent_reason=d.without_consent_reason,
            approved_by=_staff(d.approved_by),
            rationale=d.rationale,
            family_told=d.family_told,
            family_not_told_reason=d.family_not_told_reason,
            decided_on=d.decided_on,
            recorded_by=_staff(d.recorded_by),
        )
        for d in rows
    ]


def overrides(subject: Subject) -> list[Entry]:
    rows = (
        SafeguardingOverride.objects.filter(family_id__in=_family_ids(subject))
        .select_related("family", "share_with_organisation", "approved_by")
        .order_by("started_at", "pk")
    )
    return [
        entry(
            "Safeguarding override",
            family=o.family.name,
            partners=str(
                o.share_with_organisation or o.get_share_with_kind_display() or "Every partner"
            ),
            reason=o.reason,
            approved_by=_staff(o.approved_by),
            started_at=o.started_at,
            ended_at=o.ended_at,
            end_reason=o.end_reason,
        )
        for o in rows
    ]


_NOT_CHANGES = {"updated_at", "family_name_key", "given_name_key", "postcode_district"}
_CHANGE_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


def history(subject: Subject) -> list[Entry]:
    records = list(
        Person.history.filter(id__in=subject.ids)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    entries = []
    previous: dict[int, Any] = {}
    for h in records:
        changed: dict[str, Any] = {}
        before = previous.get(h.id)
        if before is not None:
            for change in h.diff_against(before).changes:
                if change.field not in _NOT_CHANGES:
                    changed[change.field] = change.new
        previous[h.id] = h
        entries.append(
            entry(
                _CHANGE_TYPES.get(h.history_type, h.history_type),
                record_number=h.id,
                when=h.history_date,
                by=_staff(h.history_user) or "The system",
                reason=h.history_change_reason,
                changed=changed or None,
            )
        )
    return entries


def access_log(subject: Subject) -> list[Entry]:
    events = (
        AccessEvent.objects.filter(person_id__in=subject.ids)
        .select_related("actor")
        .order_by("occurred_at", "id")
    )
    return [
        entry(
            e.get_action_display(),
            when=e.occurred_at,
            who=_staff(e.actor) or e.actor_label,
            what=e.description or e.object_type,
            reason=e.reason,
        )
        for e in events
    ]


def register() -> None:
    from .gather import register_section

    register_section("record", record, title="Your record")
    register_section("addresses", addresses, title="Your addresses")
    register_section("families", families, title="Your families")
    register_section("relationships", relationships, title="Your relationships")
    register_section("involvements", involvements, title="Who has worked with you")
    register_section("consent", consent, title="Consent")
    register_section("sharing", sharing, title="Information-sharing decisions")
    register_section("overrides", overrides, title="Safeguarding overrides")
    register_section("history", history, title="Changes to your record")
    register_section("access_log", access_log, title="Who looked at your record")
