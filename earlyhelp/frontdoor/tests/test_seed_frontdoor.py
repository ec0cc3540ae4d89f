"""`earlyhelp seed` for the front door: the demo's Monday queue, and the large council (here
scaled down: the full 600,000 contacts are timed by hand, see docs/benchmarks.md)."""

import io
from collections import Counter

import pytest
from django.utils import timezone

from earlyhelp.core.seeding import SeedContext, make_faker, seeders
from earlyhelp.episodes.models import Episode, EpisodeStatus
from earlyhelp.frontdoor import seed
from earlyhelp.frontdoor.codes import ContactStatus, Outcome
from earlyhelp.frontdoor.models import ConsultationCall, Contact, ContactDecision, ContactSubject
from earlyhelp.frontdoor.services import OPEN_STATUSES, target_at
from earlyhelp.people import seed as people_seed
from earlyhelp.people.codes import InvolvementReason
from earlyhelp.people.models import Involvement

pytestmark = pytest.mark.django_db


def _seed(scale: str) -> str:
    out = io.StringIO()
    context = SeedContext(scale=scale, faker=make_faker(), stdout=out)
    for seeder in seeders():
        seeder.run(context)
    return out.getvalue()


def test_the_front_door_seeder_runs_after_people_and_involvements():
    names = [s.name for s in seeders()]
    assert names.index("frontdoor") > names.index("involvements") > names.index("people")


def test_demo_queue():
    out = _seed("demo")
    assert "Front door:" in out
    sent = Contact.objects.exclude(status=ContactStatus.DRAFT)
    assert 25 <= sent.count() <= 35
    sources = Counter(sent.values_list("source", flat=True))
    assert sources.most_common(1)[0][0] in ("2A", "6")
    assert {"2A", "3B", "3F", "6", "1C"} <= set(sources)
    # The demo DSL sent several; the screener decided with every outcome.
    assert sent.filter(referrer__email__startswith="dsl@").count() >= 3
    outcomes = set(ContactDecision.objects.values_list("outcome", flat=True))
    assert outcomes == set(Outcome.values)
    # Open contacts: some rated, some not, some overdue, some due soon.
    now = timezone.now()
    queue = list(sent.filter(status__in=OPEN_STATUSES))
    assert 8 <= len(queue) <= 15
    assert {c.rag for c in queue} >= {"red", "amber", "green", ""}
    due = [target_at(c) for c in queue]
    assert all(d is not None for d in due)
    assert any(d < now for d in due if d)
    assert any(now < d for d in due if d)
    # Every decision is in the past, and the front door may open each open contact's people.
    assert not ContactDecision.objects.filter(decided_at__gt=now).exists()
    for subject in ContactSubject.objects.filter(contact__status__in=OPEN_STATUSES):
        assert Involvement.objects.filter(
            person=subject.person, reason=InvolvementReason.FRONT_DOOR, ended_at=None
        ).exists()
    # Early help: some waiting for allocation, one allocated to the demo practitioner.
    episodes = Episode.objects.all()
    assert episodes.filter(status=EpisodeStatus.AWAITING_ALLOCATION).count() >= 2
    # (The episodes seeder, which runs next, opens its own families' episodes without a contact.)
    allocated = episodes.get(status=EpisodeStatus.OPEN, source_contact__isnull=False)
    assert allocated.lead_practitioner.email.startswith("practitioner@")
    assert ConsultationCall.objects.count() >= 3
    # References are unique and follow the FD-<year>-<number> pattern.
    references = list(sent.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
    assert all(r.startswith("FD-") for r in references)


@pytest.fixture
def small_large(monkeypatch):
    monkeypatch.setattr(people_seed, "LARGE_FAMILIES", 400)
    monkeypatch.setattr(people_seed, "_CHUNK", 200)
    monkeypatch.setattr(seed, "LARGE_PER_YEAR", 500)  # more than the 400 households: 400
    monkeypatch.setattr(seed, "LARGE_OPEN", 40)
    monkeypatch.setattr(seed, "_CHUNK", 700)  # several rounds of writing
    return _seed("large")


def test_large_scale_contacts(small_large):
    assert "2400 contacts over 6 years (40 still open)" in small_large
    contacts = Contact.objects.all()
    assert contacts.count() == 2400
    assert contacts.filter(status__in=OPEN_STATUSES).count() == 40
    assert contacts.filter(status=ContactStatus.DECIDED).count() == 2360
    assert ContactDecision.objects.count() == 2360
    assert Contact.history.count() == 2400
    assert ContactSubject.history.count() == ContactSubject.objects.count()
    references = list(contacts.values_list("reference", flat=True))
    assert len(set(references)) == 2400
    sources = Counter(contacts.values_list("source", flat=True))
    assert [code for code, _ in sources.most_common(2)] == ["6", "2A"] or {
        code for code, _ in sources.most_common(3)
    } >= {"6", "2A"}
    assert not contacts.filter(subjects=None).exists()
    # Decided contacts were rated, decided after receipt, mostly within target.
    decided = ContactDecision.objects.select_related("contact")
    now = timezone.now()
    assert all(d.decided_at >= (d.contact.received_at or now) for d in decided)
    within = decided.filter(within_target=True).count() / decided.count()
    assert 0.75 < within < 0.97
    assert not contacts.filter(status=ContactStatus.DECIDED, rag="").exists()
    # Some families come back again and again.
    per_family = Counter(contacts.values_list("family_id", flat=True))
    assert max(per_family.values()) >= 8


def test_large_scale_episodes(small_large):
    opened = ContactDecision.objects.filter(outcome=Outcome.OPEN_EARLY_HELP).count()
    assert Episode.objects.count() == opened
    not_closed = Episode.objects.exclude(status=EpisodeStatus.CLOSED)
    families = list(not_closed.values_list("family_id", flat=True))
    assert len(families) == len(set(families))  # at most one current episode a family
    assert not Episode.objects.filter(status=EpisodeStatus.OPEN, lead_practitioner=None).exists()
    # The front door may open the people on every contact it still holds.
    for subject in ContactSubject.objects.filter(contact__status__in=OPEN_STATUSES):
        assert Involvement.objects.filter(
            person=subject.person, reason=InvolvementReason.FRONT_DOOR, ended_at=None
        ).exists()
