"""The acceptance: a subject access export for a child in two families contains both, and after
redaction nothing about the people the requester may not see: not the sibling's name, date of
birth, address or identifiers, and never another person's confidential address."""

import json
import zlib
from datetime import date

import pytest

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import user_with_role
from earlyhelp.people import services as people
from earlyhelp.people.codes import InvolvementReason
from earlyhelp.people.merge import merge_people
from earlyhelp.subject_access.gather import gather, register_section, registered_sections
from earlyhelp.subject_access.pdf import build_pdf
from earlyhelp.subject_access.redact import redact, third_parties
from earlyhelp.subject_access.render import readable

from .factories import child_in_two_families

pytestmark = pytest.mark.django_db

SIBLING_DETAILS = (
    "Tymon",
    "2012-09-03",
    "3 September 2012",
    "7 Heron Close",
    "KB4 5EF",
    "A123456789012",
)
CONFIDENTIAL = ("Refuge House", "KB9 9ZZ")


def _text(document) -> str:
    return json.dumps(document, ensure_ascii=False) + json.dumps(
        readable(document), ensure_ascii=False
    )


def test_the_document_holds_both_families_and_every_section():
    s = child_in_two_families()
    document = gather(s.child)
    text = _text(document)
    assert "Wiśniewski family (Mill Street)" in text
    assert "Wiśniewska family (Lark Rise)" in text
    names = [section["name"] for section in document["sections"]]
    for expected in (
        "record",
        "addresses",
        "families",
        "relationships",
        "involvements",
        "consent",
        "sharing",
        "history",
        "access_log",
    ):
        assert expected in names
    sections = {section["name"]: section for section in document["sections"]}
    assert sections["record"]["entries"][0]["fields"]["nhs_number"] == "9434765919"
    assert len(sections["families"]["entries"]) == 2
    assert any(e["fields"]["reason"] == "Language noted" for e in sections["history"]["entries"])
    assert json.loads(json.dumps(document)) == document  # machine-readable as it stands


def test_third_parties_are_listed_and_the_confidential_address_is_never_gathered():
    s = child_in_two_families()
    document = gather(s.child)
    parties = {p.person_id: p for p in third_parties(document)}
    assert set(parties) == {s.sibling.pk, s.mother.pk, s.father.pk}
    assert s.child.pk not in parties
    assert "Refuge House" not in json.dumps(
        [ref for ref in document["sections"] if ref["name"] == "families"]
    )


def test_a_redacted_sibling_appears_nowhere_and_confidential_addresses_never_do():
    s = child_in_two_families()
    # The officer releases the parents' details, not the sibling's.
    released = redact(gather(s.child), release=[s.mother.pk, s.father.pk])
    text = _text(released)
    for detail in SIBLING_DETAILS + CONFIDENTIAL:
        assert detail not in text, detail
    assert "[redacted: family member]" in text
    assert "[redacted: related person]" in text
    # What is the child's own, or released, stays.
    for kept in (
        "Maja",
        "12 Lark Rise",
        "2016-04-12",
        "Piotr Wiśniewski",
        "40 Mill Street",
        "Wiśniewski family (Mill Street)",
        "Ms Head",
    ):
        assert kept in text, kept

    pdf = build_pdf(released, heading="Subject access", intro=["Test"], font=None, compress=False)
    assert pdf.startswith(b"%PDF")
    # Helvetica, uncompressed: the page text is in the file as Latin-1 (accents dropped).
    assert b"Maja" in pdf and b"12 Lark Rise" in pdf
    for detail in SIBLING_DETAILS + CONFIDENTIAL:
        assert detail.encode() not in pdf, detail


def test_with_everyone_redacted_no_third_party_name_survives_even_in_free_text():
    s = child_in_two_families()
    text = _text(redact(gather(s.child)))
    for name in ("Tymon", "Piotr", "Agnieszka", "40 Mill Street", *CONFIDENTIAL):
        assert name not in text, name
    assert "Wiśniewska" in text  # the child's own surname is theirs


def test_the_unicode_pdf_builds(settings):
    s = child_in_two_families()
    pdf = build_pdf(redact(gather(s.child)), heading="Subject access", intro=["Łódź"])
    assert pdf.startswith(b"%PDF")
    assert zlib  # compressed streams: text is checked on the uncompressed build above


def test_own_confidential_address_is_disclosed_unless_withheld():
    s = child_in_two_families()
    people.add_address(
        actor=None, person=s.child, line_1="1 Safe Lane", postcode="KB7 7AA", is_confidential=True
    )
    assert "1 Safe Lane" in _text(redact(gather(s.child)))
    assert "1 Safe Lane" not in _text(redact(gather(s.child), withhold_own_confidential=True))


def test_merged_records_are_included():
    s = child_in_two_families()
    duplicate = people.create_person(
        actor=None, given_name="Maya", family_name="Wisniewska", date_of_birth=date(2016, 4, 12)
    )
    people.start_involvement(
        actor=None, reason=InvolvementReason.ALLOCATED_TEAM, person=duplicate, team=s.team
    )
    manager = user_with_role(Role.TEAM_MANAGER, team=s.team)
    merge_people(actor=manager, kept=s.child, merged=duplicate, reason="Same child")
    document = gather(s.child)
    assert document["subject"]["merged_record_ids"] == [duplicate.pk]
    assert "Maya" in _text(redact(document))


def test_other_apps_can_add_sections():
    s = child_in_two_families()
    before = registered_sections()

    def episodes(subject):
        return [
            {
                "title": "Episode",
                "fields": {
                    "worker": "Sam Staff",
                    "with": {
                        "person_id": s.sibling.pk,
                        "redact_as": "family member",
                        "name": "Tymon Wiśniewski",
                        "date_of_birth": None,
                        "address": None,
                    },
                },
            }
        ]

    try:
        register_section("episodes_test", episodes, title="Early help episodes")
        document = gather(s.child)
        assert document["sections"][-1]["title"] == "Early help episodes"
        assert "Tymon" not in _text(redact(document))
    finally:
        from earlyhelp.subject_access import gather as module

        module._SECTIONS.pop("episodes_test", None)
    assert registered_sections() == before
