"""Merging two records of the same person, and undoing it.

Only a team manager who may change both records merges them, and only on purpose: nothing here
runs by itself. Everything linked to the merged record moves to the kept one (addresses, family
memberships, relationships in both directions, involvements), blank identifiers on the kept record
are filled from the merged one, and the merged record is kept, pointing at the kept one, so the
merge can be undone. `PersonMerge.moved` lists every change with the values it replaced, and
`undo_merge` puts each of them back. Every row changed carries a history reason naming the merge.

`moved` holds, by key:

- ``addresses``: ``{"id", "is_current", "to_date"}`` for each address moved (its values before);
- ``memberships``: ids of family memberships moved;
- ``memberships_ended``: ids of the merged person's memberships ended because the kept person was
  already an active member of the same family;
- ``relationships``: ``{"id", "field"}`` for each relationship re-pointed (``field`` is the side
  that named the merged person);
- ``relationships_dropped``: the full rows of relationships removed because moving them would
  have repeated one the kept person already has, or related the kept person to themselves;
- ``parental_responsibility``: ids of the kept person's relationships that gained parental
  responsibility from a dropped duplicate;
- ``involvements``: ids of involvements moved;
- ``identifiers``: ``{field: value}`` copied from the merged record to a blank on the kept one;
- ``other_names_added``: lines added to the kept person's other names;
- ``kept_postcode``: the kept person's matching postcode before, when it changed.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from earlyhelp.accounts.models import User
from earlyhelp.accounts.roles import Role

from .access import people
from .models import Address, FamilyMember, Involvement, Person, PersonMerge, Relationship

#: Identifiers that are unique when set, copied to the kept record when it has none.
IDENTIFIERS = ("nhs_number", "upn", "council_person_id")
#: The length of django-simple-history's change reason column.
HISTORY_REASON_LENGTH = 100


# --- Who may merge ----------------------------------------------------------------------------


def is_manager(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.TEAM_MANAGER)


def can_merge(user: Any, first: Person, second: Person) -> bool:
    """A team manager who may change both records."""
    return (
        is_manager(user)
        and people.can(user, "change", first)
        and people.can(user, "change", second)
    )


def can_see_merge(user: Any, merge: PersonMerge) -> bool:
    """A team manager who may change either record as it stands now (while a merge is in force
    the merged record cannot be changed, and after an undo the kept one may be out of reach)."""
    return is_manager(user) and (
        people.can(user, "change", merge.kept) or people.can(user, "change", merge.merged)
    )


def can_undo(user: Any, merge: PersonMerge) -> bool:
    """A team manager who may change the kept record, which now holds everything that moved."""
    return is_manager(user) and people.can(user, "change", merge.kept)


# --- Small helpers ----------------------------------------------------------------------------


def _save(obj: Any, actor: User, reason: str) -> None:
    obj.full_clean()
    obj._change_reason = reason
    obj._history_user = actor
    obj.save()


def _delete(obj: Any, actor: User, reason: str) -> None:
    obj._change_reason = reason
    obj._history_user = actor
    obj.delete()


def _history_reason(what: str, reason: str) -> str:
    """A history reason fits 100 characters; the merge record keeps the reason in full."""
    text = f"{what}: {' '.join(reason.split())}"
    return text if len(text) <= HISTORY_REASON_LENGTH else text[: HISTORY_REASON_LENGTH - 1] + "…"


def _names(person: Person) -> list[str]:
    return [line.strip() for line in person.other_names.splitlines() if line.strip()]


def _end_date(joined_on: date | None) -> date:
    today = timezone.localdate()
    return max(today, joined_on) if joined_on else today


def _later_merges(merge: PersonMerge) -> Any:
    """Merges in force, made after `merge`, that involve its kept person."""
    return PersonMerge.objects.filter(
        Q(kept=merge.kept_id) | Q(merged=merge.kept_id),
        pk__gt=merge.pk,
        undone_at__isnull=True,
    ).order_by("pk")


# --- Merge ------------------------------------------------------------------------------------


def _refuse_merge(kept: Person, merged: Person, reason: str) -> None:
    errors: dict[str, list[str]] = {}
    if kept.pk == merged.pk:
        errors.setdefault("__all__", []).append("You cannot merge a record into itself")
    for person in (kept, merged):
        if person.merged_into_id:
            errors.setdefault("__all__", []).append(
                f"{person} (record {person.pk}) has already been merged into record "
                f"{person.merged_into_id}"
            )
    if not reason.strip():
        errors["reason"] = ["Enter why these records are the same person"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def merge_people(*, actor: User, kept: Person, merged: Person, reason: str) -> PersonMerge:
    """Merge `merged` into `kept`; returns the record of the merge, which can be undone."""
    # Lock both rows so two managers cannot merge the same records at once.
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
    }
    kept = locked.get(kept.pk, kept)
    merged = locked.get(merged.pk, merged)
    _refuse_merge(kept, merged, reason)
    if not can_merge(actor, kept, merged):
        raise PermissionDenied("Only a team manager who may change both records can merge them")

    merge = PersonMerge(kept=kept, merged=merged, reason=reason.strip(), merged_by=actor)
    _save(merge, actor, "Records merged")
    why = _history_reason(
        f"Merge {merge.pk}: record {merged.pk} merged into record {kept.pk}", reason
    )
    moved: dict[str, Any] = {
        "addresses": [],
        "memberships": [],
        "memberships_ended": [],
        "relationships": [],
        "relationships_dropped": [],
        "parental_responsibility": [],
        "involvements": [],
        "identifiers": {},
        "other_names_added": [],
    }

    kept_had_current = kept.addresses.filter(is_current=True).exists()
    new_current: Address | None = None
    for address in merged.addresses.order_by("pk"):
        moved["addresses"].append(
            {
                "id": address.pk,
                "is_current": address.is_current,
                "to_date": address.to_date.isoformat() if address.to_date else None,
            }
        )
        address.person = kept
        if address.is_current and kept_had_current:
            # The kept record's current address stands; the other becomes a previous address.
            address.is_current = False
            address.to_date = address.to_date or _end_date(address.from_date)
        elif address.is_current:
            new_current = address
        _save(address, actor, why)

    for member in merged.family_memberships.order_by("pk"):
        already = FamilyMember.objects.filter(
            family_id=member.family_id, person=kept, left_on__isnull=True
        ).exists()
        if member.left_on is None and already:
            member.left_on = _end_date(member.joined_on)
            _save(member, actor, why)
            moved["memberships_ended"].append(member.pk)
        else:
            member.person = kept
            _save(member, actor, why)
            moved["memberships"].append(member.pk)

    relationships = Relationship.objects.filter(
        Q(person=merged) | Q(related_person=merged)
    ).order_by("pk")
    for relationship in relationships:
        field = "person" if relationship.person_id == merged.pk else "related_person"
        setattr(relationship, field, kept)
        person_id, related_id = relationship.person_id, relationship.related_person_id
        existing = (
            Relationship.objects.filter(
                person_id=person_id, related_person_id=related_id, kind=relationship.kind
            )
            .exclude(pk=relationship.pk)
            .first()
        )
        if person_id == related_id or existing is not None:
            original = Relationship.objects.get(pk=relationship.pk)
            moved["relationships_dropped"].append(
                {
                    "id": original.pk,
                    "person_id": original.person_id,
                    "related_person_id": original.related_person_id,
                    "kind": original.kind,
                    "has_parental_responsibility": original.has_parental_responsibility,
                    "why": "self" if person_id == related_id else "duplicate",
                }
            )
            if (
                existing is not None
                and original.has_parental_responsibility
                and not existing.has_parental_responsibility
            ):
                existing.has_parental_responsibility = True
                _save(existing, actor, why)
                moved["parental_responsibility"].append(existing.pk)
            _delete(original, actor, why)
        else:
            _save(relationship, actor, why)
            moved["relationships"].append({"id": relationship.pk, "field": field})

    for involvement in merged.involvements.order_by("pk"):
        involvement.person = kept
        _save(involvement, actor, why)
        moved["involvements"].append(involvement.pk)

    copied = {
        name: getattr(merged, name)
        for name in IDENTIFIERS
        if getattr(merged, name) and not getattr(kept, name)
    }
    for name in copied:
        setattr(merged, name, "")
    merged.merged_into = kept
    _save(merged, actor, why)

    known = {line.casefold() for line in _names(kept)} | {kept.full_name.casefold()}
    added: list[str] = []
    for name in [merged.full_name, *_names(merged)]:
        if name and name.casefold() not in known:
            added.append(name)
            known.add(name.casefold())
    if added:
        kept.other_names = "\n".join([*_names(kept), *added])
    for name, value in copied.items():
        setattr(kept, name, value)
    if new_current is not None:
        moved["kept_postcode"] = kept.postcode
        kept.set_current_postcode(new_current.postcode)
    moved["identifiers"] = copied
    moved["other_names_added"] = added
    _save(kept, actor, why)

    merge.moved = moved
    _save(merge, actor, why)
    return merge


# --- Undo -------------------------------------------------------------------------------------


def _refuse_undo(merge: PersonMerge, reason: str) -> None:
    errors: dict[str, list[str]] = {}
    if merge.undone_at is not None:
        errors["__all__"] = [
            f"This merge was already undone on {timezone.localtime(merge.undone_at):%d %B %Y}"
        ]
    elif (later := _later_merges(merge).first()) is not None:
        errors["__all__"] = [
            f"{merge.kept} (record {merge.kept_id}) has been in a later merge ({later}, merge "
            f"{later.pk}). Undo that merge first, so each record gets back what was moved."
        ]
    elif merge.merged.merged_into_id != merge.kept_id:
        errors["__all__"] = [
            f"Record {merge.merged_id} no longer points at record {merge.kept_id}, so this merge "
            "cannot be undone"
        ]
    if not reason.strip():
        errors["reason"] = ["Enter why this merge is being undone"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def undo_merge(*, actor: User, merge: PersonMerge, reason: str) -> PersonMerge:
    """Put back everything `merge` changed, as it was before the merge."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    kept = Person.objects.select_for_update().get(pk=merge.kept_id)
    merged = Person.objects.select_for_update().get(pk=merge.merged_id)
    merge.kept, merge.merged = kept, merged
    _refuse_undo(merge, reason)
    if not can_undo(actor, merge):
        raise PermissionDenied("Only a team manager who may change the kept record can undo this")
    moved = merge.moved
    why = _history_reason(
        f"Merge {merge.pk} undone: record {merged.pk} separated from record {kept.pk}", reason
    )

    # The kept record first gives back what it took, so the merged one can hold it again.
    for name in moved.get("identifiers", {}):
        if getattr(kept, name) == moved["identifiers"][name]:
            setattr(kept, name, "")
    added = list(moved.get("other_names_added", []))
    names = _names(kept)
    for name in added:
        if name in names:
            names.remove(name)
    kept.other_names = "\n".join(names)
    if "kept_postcode" in moved:
        kept.set_current_postcode(moved["kept_postcode"])
    _save(kept, actor, why)

    merged.merged_into = None
    for name, value in moved.get("identifiers", {}).items():
        setattr(merged, name, value)
    _save(merged, actor, why)

    for row in moved.get("addresses", []):
        address = Address.objects.filter(pk=row["id"]).first()
        if address is None:
            continue
        address.person = merged
        address.is_current = row["is_current"]
        address.to_date = date.fromisoformat(row["to_date"]) if row["to_date"] else None
        _save(address, actor, why)

    for pk in moved.get("memberships", []):
        if (member := FamilyMember.objects.filter(pk=pk).first()) is not None:
            member.person = merged
            _save(member, actor, why)
    for pk in moved.get("memberships_ended", []):
        if (member := FamilyMember.objects.filter(pk=pk).first()) is not None:
            member.left_on = None
            _save(member, actor, why)

    for row in moved.get("relationships", []):
        if (relationship := Relationship.objects.filter(pk=row["id"]).first()) is not None:
            setattr(relationship, row["field"], merged)
            _save(relationship, actor, why)
    for pk in moved.get("parental_responsibility", []):
        if (relationship := Relationship.objects.filter(pk=pk).first()) is not None:
            relationship.has_parental_responsibility = False
            _save(relationship, actor, why)
    for row in moved.get("relationships_dropped", []):
        # Recreated under its old id, so links to it (and its history) read as before.
        relationship = Relationship(
            pk=row["id"],
            person_id=row["person_id"],
            related_person_id=row["related_person_id"],
            kind=row["kind"],
            has_parental_responsibility=row["has_parental_responsibility"],
        )
        relationship.full_clean()
        relationship._change_reason = why  # type: ignore[attr-defined]
        relationship._history_user = actor  # type: ignore[attr-defined]
        relationship.save(force_insert=True)

    for pk in moved.get("involvements", []):
        if (involvement := Involvement.objects.filter(pk=pk).first()) is not None:
            involvement.person = merged
            _save(involvement, actor, why)

    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.undo_reason = reason.strip()
    _save(merge, actor, why)
    return merge
