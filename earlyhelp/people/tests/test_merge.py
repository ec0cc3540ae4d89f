from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import TeamFactory, sign_in, user_with_role
from earlyhelp.core.models import AccessAction, AccessEvent
from earlyhelp.people import services
from earlyhelp.people.codes import FamilyRole, InvolvementReason, RelationshipKind
from earlyhelp.people.merge import merge_people, undo_merge
from earlyhelp.people.models import (
    Address,
    FamilyMember,
    Involvement,
    Person,
    PersonMerge,
    Relationship,
)

pytestmark = pytest.mark.django_db

DOB = date(2016, 3, 4)


def _person(given: str, family: str, **fields: Any) -> Person:
    return services.create_person(
        actor=None,
        reason="Test",
        given_name=given,
        family_name=family,
        date_of_birth=fields.pop("date_of_birth", DOB),
        **fields,
    )


def _allocate(person: Person, team: Any) -> Involvement:
    return services.start_involvement(
        actor=None, reason=InvolvementReason.ALLOCATED_TEAM, person=person, team=team
    )


def snapshot() -> dict[str, Any]:
    """Every row merge touches, as plain values (timestamps that move on every save left out)."""

    def rows(model: Any, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        return [
            {"id": obj.pk, **model_to_dict(obj, exclude=exclude)}
            for obj in model.objects.order_by("pk")
        ]

    return {
        "people": rows(Person, exclude=("updated_at",)),
        "addresses": rows(Address),
        "members": rows(FamilyMember),
        "relationships": rows(Relationship),
        "involvements": rows(Involvement),
    }


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def manager(team):
    return user_with_role(Role.TEAM_MANAGER, team=team)


@pytest.fixture
def case(team):
    """Two records of William Smith, each with things linked, and the people around him."""
    kept = _person("William", "Smith", nhs_number="9434765919", other_names="Will Smith")
    merged = _person("Bill", "Smyth", upn="A123456789012", council_person_id="KB-77")
    mum = _person("Sarah", "Smith", date_of_birth=date(1988, 7, 12))
    dad = _person("Tom", "Smith", date_of_birth=date(1986, 1, 2))
    gran = _person("Joan", "Smith", date_of_birth=date(1950, 5, 6))
    services.add_address(
        actor=None, person=kept, line_1="1 Quay St", postcode="KB1 2AB", from_date=date(2020, 1, 1)
    )
    services.add_address(
        actor=None, person=merged, line_1="9 Old Rd", postcode="KB9 9ZZ", from_date=date(2018, 1, 1)
    )
    services.add_address(
        actor=None,
        person=merged,
        line_1="4 Mill Lane",
        postcode="KB4 4AA",
        from_date=date(2021, 6, 1),
    )
    smiths = services.create_family(actor=None, name="Smith family")
    other = services.create_family(actor=None, name="Smyth household")
    services.add_family_member(actor=None, family=smiths, person=kept, role=FamilyRole.CHILD)
    shared = services.add_family_member(
        actor=None, family=smiths, person=merged, role=FamilyRole.CHILD
    )
    moving = services.add_family_member(
        actor=None, family=other, person=merged, role=FamilyRole.CHILD
    )
    # Mother recorded on both: the merged one is a duplicate. Father only on merged: moves.
    services.add_relationship(
        actor=None, person=kept, related_person=mum, kind=RelationshipKind.MOTHER
    )
    duplicate = services.add_relationship(
        actor=None,
        person=merged,
        related_person=mum,
        kind=RelationshipKind.MOTHER,
        has_parental_responsibility=True,
    )
    father = services.add_relationship(
        actor=None, person=merged, related_person=dad, kind=RelationshipKind.FATHER
    )
    incoming = services.add_relationship(
        actor=None, person=gran, related_person=merged, kind=RelationshipKind.OTHER
    )
    to_self = services.add_relationship(
        actor=None, person=merged, related_person=kept, kind=RelationshipKind.SIBLING
    )
    for person in (kept, merged):
        _allocate(person, team)
    kept.refresh_from_db()
    merged.refresh_from_db()
    return {
        "kept": kept,
        "merged": merged,
        "mum": mum,
        "smiths": smiths,
        "shared": shared,
        "moving": moving,
        "duplicate": duplicate,
        "father": father,
        "incoming": incoming,
        "to_self": to_self,
    }


def _merge(case, manager, reason="Same child: same NHS record and school"):
    return merge_people(actor=manager, kept=case["kept"], merged=case["merged"], reason=reason)


def test_merge_moves_everything_linked(case, manager):
    kept, merged = case["kept"], case["merged"]
    merge = _merge(case, manager)
    kept.refresh_from_db()
    merged.refresh_from_db()

    assert merged.merged_into == kept
    assert not merged.addresses.exists()
    current = kept.addresses.get(is_current=True)
    assert current.line_1 == "1 Quay St"
    assert set(kept.addresses.values_list("line_1", flat=True)) == {
        "1 Quay St",
        "9 Old Rd",
        "4 Mill Lane",
    }
    assert kept.postcode == "KB1 2AB"

    # Already an active member of the Smith family: merged's membership is ended, not moved.
    shared = FamilyMember.objects.get(pk=case["shared"].pk)
    assert shared.person == merged and shared.left_on is not None
    assert FamilyMember.objects.get(pk=case["moving"].pk).person == kept

    assert not Relationship.objects.filter(pk=case["duplicate"].pk).exists()
    assert not Relationship.objects.filter(pk=case["to_self"].pk).exists()
    assert Relationship.objects.get(pk=case["father"].pk).person == kept
    assert Relationship.objects.get(pk=case["incoming"].pk).related_person == kept
    mother = Relationship.objects.get(person=kept, kind=RelationshipKind.MOTHER)
    assert mother.has_parental_responsibility  # carried over from the dropped duplicate

    assert not merged.involvements.exists()
    assert Involvement.objects.filter(person=kept).count() == 2

    assert kept.nhs_number == "9434765919"
    assert (kept.upn, kept.council_person_id) == ("A123456789012", "KB-77")
    assert (merged.upn, merged.council_person_id) == ("", "")
    assert kept.other_names.splitlines() == ["Will Smith", "Bill Smyth"]

    assert merge.merged_by == manager
    assert len(merge.moved["addresses"]) == 2
    assert merge.moved["memberships_ended"] == [case["shared"].pk]
    assert {r["why"] for r in merge.moved["relationships_dropped"]} == {"self", "duplicate"}


def test_merge_gives_the_kept_person_a_current_address_when_they_had_none(manager, team):
    kept = _person("Amy", "Lee")
    merged = _person("Amy", "Li")
    services.add_address(actor=None, person=merged, line_1="2 High St", postcode="kb12ab")
    for person in (kept, merged):
        _allocate(person, team)
    merged.refresh_from_db()
    before = snapshot()
    merge = merge_people(actor=manager, kept=kept, merged=merged, reason="Same child")
    kept.refresh_from_db()
    assert kept.postcode == "KB1 2AB"
    assert kept.addresses.get().is_current
    undo_merge(actor=manager, merge=merge, reason="Mistake")
    assert snapshot() == before


def test_every_change_names_the_merge_in_its_history(case, manager):
    merge = _merge(case, manager)
    label = f"Merge {merge.pk}:"
    kept = case["kept"]
    assert kept.history.first().history_change_reason.startswith(label)
    assert kept.history.first().history_user == manager
    assert case["merged"].history.first().history_change_reason.startswith(label)
    for model in (Address, FamilyMember, Involvement):
        latest = model.history.order_by("-history_id").first()
        assert latest.history_change_reason.startswith(label)
    dropped = Relationship.history.filter(id=case["duplicate"].pk, history_type="-").get()
    assert dropped.history_change_reason.startswith(label)
    assert "Same child" in dropped.history_change_reason


def test_undo_restores_the_exact_previous_state(case, manager):
    before = snapshot()
    merge = _merge(case, manager)
    assert snapshot() != before
    undo_merge(actor=manager, merge=merge, reason="Twins, not one child")
    assert snapshot() == before
    merge.refresh_from_db()
    assert merge.undone_by == manager
    assert merge.undone_at is not None
    assert merge.undo_reason == "Twins, not one child"
    assert (
        case["kept"].history.first().history_change_reason.startswith(f"Merge {merge.pk} undone:")
    )


def test_records_merged_and_undone_can_be_merged_again(case, manager):
    before = snapshot()
    first = _merge(case, manager)
    undo_merge(actor=manager, merge=first, reason="Wrong way round")
    second = merge_people(
        actor=manager, kept=case["merged"], merged=case["kept"], reason="Keep the other"
    )
    undo_merge(actor=manager, merge=second, reason="Not the same")
    assert snapshot() == before


def test_merging_a_record_into_itself_is_refused(case, manager):
    with pytest.raises(ValidationError) as error:
        merge_people(actor=manager, kept=case["kept"], merged=case["kept"], reason="Same")
    assert "You cannot merge a record into itself" in error.value.messages


def test_merging_an_already_merged_record_is_refused(case, manager, team):
    _merge(case, manager)
    third = _person("Billy", "Smith")
    _allocate(third, team)
    merged = Person.objects.get(pk=case["merged"].pk)
    with pytest.raises(ValidationError) as error:
        merge_people(actor=manager, kept=third, merged=merged, reason="Same")
    assert any("has already been merged into record" in m for m in error.value.messages)
    with pytest.raises(ValidationError):
        merge_people(actor=manager, kept=merged, merged=third, reason="Same")


def test_a_reason_is_required(case, manager):
    with pytest.raises(ValidationError) as error:
        _merge(case, manager, reason="  ")
    assert error.value.message_dict["reason"] == ["Enter why these records are the same person"]
    assert not PersonMerge.objects.exists()


def test_undoing_twice_is_refused(case, manager):
    merge = _merge(case, manager)
    undo_merge(actor=manager, merge=merge, reason="Mistake")
    with pytest.raises(ValidationError) as error:
        undo_merge(actor=manager, merge=merge, reason="Again")
    assert any("already undone" in m for m in error.value.messages)


def test_undo_is_refused_while_a_later_merge_involves_the_kept_record(case, manager, team):
    merge = _merge(case, manager)
    third = _person("Billy", "Smith")
    _allocate(third, team)
    later = merge_people(actor=manager, kept=case["kept"], merged=third, reason="Also William")
    with pytest.raises(ValidationError) as error:
        undo_merge(actor=manager, merge=merge, reason="Mistake")
    message = " ".join(error.value.messages)
    assert f"merge {later.pk}" in message and "Undo that merge first" in message
    undo_merge(actor=manager, merge=later, reason="Billy is a cousin")
    undo_merge(actor=manager, merge=merge, reason="Mistake")


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.FRONT_DOOR_SCREENER, Role.AUDITOR])
def test_only_team_managers_merge(case, team, role):
    user = user_with_role(role, team=team)
    with pytest.raises(PermissionDenied):
        _merge(case, user)
    assert not PersonMerge.objects.exists()


def test_a_manager_who_cannot_change_both_records_cannot_merge(case):
    elsewhere = TeamFactory()
    manager = user_with_role(Role.TEAM_MANAGER, team=elsewhere)
    _allocate(case["kept"], elsewhere)
    with pytest.raises(PermissionDenied):
        _merge(case, manager)


def test_a_manager_who_cannot_change_the_kept_record_cannot_undo(case, manager):
    merge = _merge(case, manager)
    stranger = user_with_role(Role.TEAM_MANAGER, team=TeamFactory())
    with pytest.raises(PermissionDenied):
        undo_merge(actor=stranger, merge=merge, reason="Mistake")
    assert PersonMerge.objects.get().undone_at is None


def test_a_long_reason_is_kept_in_full_on_the_merge_and_shortened_in_history(case, manager):
    reason = "Same child. " * 30
    merge = _merge(case, manager, reason=reason)
    assert merge.reason == reason.strip()
    change = case["kept"].history.first().history_change_reason
    assert len(change) == 100 and change.endswith("…")


# --- Pages ------------------------------------------------------------------------------------


def _events(**filters: Any) -> Any:
    return AccessEvent.objects.filter(**filters)


@pytest.fixture
def signed_in(client, manager):
    return sign_in(client, manager)


def test_choose_page_lists_candidates_with_score_and_reasons(signed_in, case, manager):
    kept = case["kept"]
    twin = _person("Will", "Smith", nhs_number="")
    _allocate(twin, manager.active_memberships().get().team)
    response = signed_in.get(reverse("people:merge_choose", args=[kept.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Will Smith (record {twin.pk})" in page
    assert "Score " in page and "same date of birth" in page.lower()
    assert f'value="{case["merged"].pk}"' in page
    assert _events(actor=manager, action=AccessAction.SEARCH, person_id=kept.pk).count() == 1
    assert _events(actor=manager, action=AccessAction.VIEW, person_id=kept.pk).count() == 1


def test_choosing_a_candidate_or_a_record_number_goes_to_the_comparison(signed_in, case):
    kept, merged = case["kept"], case["merged"]
    url = reverse("people:merge_choose", args=[kept.pk])
    confirm = reverse("people:merge_confirm", args=[kept.pk, merged.pk])
    assert signed_in.post(url, {"other": merged.pk}).url == confirm
    assert signed_in.post(url, {"record_number": merged.pk}).url == confirm


def test_choose_page_errors(signed_in, case):
    kept = case["kept"]
    url = reverse("people:merge_choose", args=[kept.pk])
    page = signed_in.post(url, {}).content.decode()
    assert "There is a problem" in page
    assert "Select the record that is the same person, or enter its number" in page
    hidden = _person("Someone", "Else")
    page = signed_in.post(url, {"record_number": hidden.pk}).content.decode()
    assert f"There is no record {hidden.pk} that you have a reason to see" in page
    page = signed_in.post(url, {"record_number": kept.pk}).content.decode()
    assert "you cannot merge a record into itself" in page


def test_confirm_page_compares_the_records_and_hides_a_confidential_address(
    signed_in, case, manager
):
    kept, merged = case["kept"], case["merged"]
    Address.objects.filter(person=merged, is_current=True).update(is_confidential=True)
    # A team around the family (not the allocated team) does not show a confidential address.
    Involvement.objects.filter(person=merged).update(reason=InvolvementReason.TEAM_AROUND_FAMILY)
    response = signed_in.get(reverse("people:merge_confirm", args=[kept.pk, merged.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "KB1 2AB" in page  # the kept record's ordinary address
    assert "KB4 4AA" not in page and "Confidential address" in page
    assert "A123456789012" in page and "9434765919" in page
    assert "Merge these records" in page
    for person in (kept, merged):
        assert _events(actor=manager, action=AccessAction.VIEW, person_id=person.pk).exists()


def test_confirm_requires_a_reason(signed_in, case):
    kept, merged = case["kept"], case["merged"]
    url = reverse("people:merge_confirm", args=[kept.pk, merged.pk])
    response = signed_in.post(url, {"keep": kept.pk, "reason": ""})
    assert response.status_code == 200
    assert "Enter why these records are the same person" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_merging_through_the_pages_and_undoing(signed_in, case, manager):
    kept, merged = case["kept"], case["merged"]
    before = snapshot()
    url = reverse("people:merge_confirm", args=[kept.pk, merged.pk])
    response = signed_in.post(url, {"keep": merged.pk, "reason": "Same school, same NHS"})
    merge = PersonMerge.objects.get()
    assert (merge.kept, merge.merged) == (merged, kept)
    assert response.url == reverse("people:merge_detail", args=[merge.pk])

    page = signed_in.get(response.url).content.decode()
    assert f"has been merged into record {merged.pk}" in page
    assert "govuk-notification-banner--success" in page
    assert "Same school, same NHS" in page and "Undo this merge" in page
    assert "Memberships ended (already in the family)" in page
    assert "Smith family" in page
    assert _events(actor=manager, object_type="personmerge", object_id=str(merge.pk)).count() == 2

    undo = reverse("people:merge_undo", args=[merge.pk])
    page = signed_in.post(undo, {"reason": ""}).content.decode()
    assert "Enter why you are undoing this merge" in page
    response = signed_in.post(undo, {"reason": "Not the same child"})
    assert response.url == reverse("people:merge_detail", args=[merge.pk])
    page = signed_in.get(response.url).content.decode()
    assert "The merge has been undone" in page and "Not the same child" in page
    assert "Undo this merge</button>" not in page
    assert snapshot() == before


def test_undo_page_explains_a_later_merge(signed_in, case, manager, team):
    merge = _merge(case, manager)
    third = _person("Billy", "Smith")
    _allocate(third, team)
    later = merge_people(actor=manager, kept=case["kept"], merged=third, reason="Also William")
    page = signed_in.post(
        reverse("people:merge_undo", args=[merge.pk]), {"reason": "Mistake"}
    ).content.decode()
    assert f"merge {later.pk}" in page and "Undo that merge first" in page
    assert PersonMerge.objects.get(pk=merge.pk).undone_at is None


def _urls(case, merge):
    kept, merged = case["kept"], case["merged"]
    return [
        reverse("people:merge_choose", args=[kept.pk]),
        reverse("people:merge_confirm", args=[kept.pk, merged.pk]),
        reverse("people:merge_detail", args=[merge.pk]),
    ]


def _a_merge(case, manager):
    """A merge in force, and a second pair not merged, so every page has something to show."""
    merge = _merge(case, manager)
    case["merged"] = _person("Bill", "Smith")
    _allocate(case["merged"], manager.active_memberships().get().team)
    return merge


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.FRONT_DOOR_SCREENER])
def test_other_roles_in_the_team_get_404(client, case, manager, team, role):
    merge = _a_merge(case, manager)
    sign_in(client, user_with_role(role, team=team))
    for url in _urls(case, merge):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("people:merge_undo", args=[merge.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert (
        client.post(_urls(case, merge)[1], {"keep": case["kept"].pk, "reason": "x"}).status_code
        == 404
    )
    assert PersonMerge.objects.get().undone_at is None


def test_a_manager_of_another_team_gets_404(client, case, manager):
    merge = _a_merge(case, manager)
    sign_in(client, user_with_role(Role.TEAM_MANAGER, team=TeamFactory()))
    for url in _urls(case, merge):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("people:merge_undo", args=[merge.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert not AccessEvent.objects.filter(person_id=case["kept"].pk).exists()


def test_a_manager_who_sees_only_one_record_gets_404_for_the_pair(client, case):
    elsewhere = TeamFactory()
    other_manager = user_with_role(Role.TEAM_MANAGER, team=elsewhere)
    _allocate(case["kept"], elsewhere)
    sign_in(client, other_manager)
    url = reverse("people:merge_confirm", args=[case["kept"].pk, case["merged"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"keep": case["kept"].pk, "reason": "Same"}).status_code == 404
    page = client.post(
        reverse("people:merge_choose", args=[case["kept"].pk]),
        {"record_number": case["merged"].pk},
    ).content.decode()
    assert "that you have a reason to see" in page
    assert not PersonMerge.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, case, manager):
    merge = _a_merge(case, manager)
    for url in _urls(case, merge):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign_in"))
