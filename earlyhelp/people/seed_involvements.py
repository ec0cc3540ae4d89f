"""Demo reasons to see families, so each demo account sees what its role would see on a real
Monday: the North team's families for the practitioner and manager, the South team's for the
South practitioner, contacts at the front door for the screener, pupils for the school's
safeguarding lead, and the health visitor on two teams around the family."""

from earlyhelp.core.seeding import SeedContext

from . import services
from .codes import FamilyRole, InvolvementReason
from .models import Family, FamilyMember, Person

REASON = "Demo data"


def seed_involvements(context: SeedContext) -> None:
    users = context.objects.get("demo_users", {})
    teams = context.objects.get("teams", {})
    if not users or not teams:
        return
    families = list(Family.objects.order_by("pk")[:40])
    if len(families) < 20:
        return
    north, south, front_door = teams["north"], teams["south"], teams["front_door"]
    start = services.start_involvement
    for family in families[:8]:
        start(actor=None, reason=InvolvementReason.ALLOCATED_TEAM, family=family, team=north)
        start(
            actor=None,
            reason=InvolvementReason.LEAD_PRACTITIONER,
            family=family,
            user=users["practitioner"],
        )
    for family in families[8:14]:
        start(actor=None, reason=InvolvementReason.ALLOCATED_TEAM, family=family, team=south)
        start(
            actor=None,
            reason=InvolvementReason.LEAD_PRACTITIONER,
            family=family,
            user=users["practitioner.south"],
        )
    for family in families[14:20]:
        start(actor=None, reason=InvolvementReason.FRONT_DOOR, family=family, team=front_door)
    for family in families[:2]:
        start(
            actor=None,
            reason=InvolvementReason.TEAM_AROUND_FAMILY,
            family=family,
            user=users["health.visitor"],
        )
    school = context.objects.get("school")
    if school is not None:
        pupils = FamilyMember.objects.filter(
            family__in=families[:12], role=FamilyRole.CHILD, left_on__isnull=True
        ).values_list("person_id", flat=True)[:10]
        for person in Person.objects.filter(pk__in=list(pupils)):
            start(actor=None, reason=InvolvementReason.SCHOOL, person=person, organisation=school)
    # The planted duplicate (see seed.py) is known to the North team, so its manager can merge it.
    for person in Person.objects.filter(family_name__in=("Fairweather", "Fairwether")):
        start(actor=None, reason=InvolvementReason.ALLOCATED_TEAM, person=person, team=north)
    context.say("Involvements: demo families allocated to teams, the front door and a school")
