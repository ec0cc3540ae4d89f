"""Demo accounts and organisations for a fictional council (Kingsbridge). Never real people."""

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from earlyhelp.core.seeding import SeedContext

from . import services
from .models import Membership, Organisation, Team, User
from .roles import OrganisationKind, Role

DEMO_PASSWORD = "demo-password-kingsbridge"
DEMO_DOMAIN = "demo.kingsbridge.example"

# (email local part, role, organisation key, team key or None, what they do)
DEMO_ACCOUNTS = [
    (
        "screener",
        Role.FRONT_DOOR_SCREENER,
        "council",
        "front_door",
        "screens requests for support at the front door",
    ),
    ("practitioner", Role.PRACTITIONER, "council", "north", "early help practitioner, North team"),
    (
        "practitioner.south",
        Role.PRACTITIONER,
        "council",
        "south",
        "early help practitioner, South team",
    ),
    ("manager", Role.TEAM_MANAGER, "council", "north", "team manager, Early Help North"),
    (
        "dsl",
        Role.DESIGNATED_SAFEGUARDING_LEAD,
        "school",
        None,
        "designated safeguarding lead at Riverside Primary School",
    ),
    ("teacher", Role.PRACTITIONER, "school", None, "class teacher at Riverside Primary School"),
    ("health.visitor", Role.PRACTITIONER, "health", "health_visiting", "health visitor"),
    ("police", Role.PRACTITIONER, "police", "police_unit", "police vulnerability officer"),
    ("family.support", Role.PRACTITIONER, "voluntary", None, "family support worker, charity"),
    ("analyst", Role.DATA_ANALYST, "council", None, "performance and data analyst"),
    ("auditor", Role.AUDITOR, "council", None, "data protection officer (auditor)"),
    ("admin", Role.ADMINISTRATOR, "council", None, "system administrator (also Django admin)"),
]

SCHOOL_NAMES = [
    "Riverside Primary School",
    "St Anne's Church of England Primary School",
    "Kingsbridge Academy",
    "Millbrook Infant and Nursery School",
    "Harbour View Secondary School",
]


def _organisations(context: SeedContext) -> dict[str, Organisation]:
    council = services.create_organisation(
        actor=None,
        name="Kingsbridge Borough Council",
        kind=OrganisationKind.COUNCIL,
        email="earlyhelp@kingsbridge.example",
        phone="01632 960000",
    )
    health = services.create_organisation(
        actor=None,
        name="Kingsbridge Community Health NHS Trust",
        kind=OrganisationKind.HEALTH,
        ods_code="RKB",
    )
    police = services.create_organisation(
        actor=None, name="Kingsbridgeshire Police", kind=OrganisationKind.POLICE
    )
    voluntary = services.create_organisation(
        actor=None,
        name="Kingsbridge Family Action",
        kind=OrganisationKind.VOLUNTARY,
        charity_number="1123456",
    )
    housing = services.create_organisation(
        actor=None, name="Kingsbridge Homes", kind=OrganisationKind.HOUSING
    )
    school_count = 5 if context.scale == "demo" else 180
    schools = []
    for index in range(school_count):
        name = (
            SCHOOL_NAMES[index]
            if index < len(SCHOOL_NAMES)
            else f"{context.faker.last_name()} {context.faker.random_element(['Primary School', 'Academy', 'High School', 'Infant School'])}"
        )
        schools.append(
            services.create_organisation(
                actor=None, name=name, kind=OrganisationKind.SCHOOL, urn=f"{118000 + index * 7:06d}"
            )
        )
    context.objects.update(
        council=council,
        health=health,
        police=police,
        voluntary=voluntary,
        housing=housing,
        schools=schools,
        school=schools[0],
    )
    return {
        "council": council,
        "health": health,
        "police": police,
        "voluntary": voluntary,
        "school": schools[0],
    }


def _teams(context: SeedContext) -> dict[str, Team]:
    council = context.objects["council"]
    teams = {
        "front_door": services.create_team(
            actor=None,
            organisation=council,
            name="Starting Point (front door)",
            is_front_door=True,
            description="Screens every request for support",
        ),
        "north": services.create_team(actor=None, organisation=council, name="Early Help North"),
        "south": services.create_team(actor=None, organisation=council, name="Early Help South"),
        "health_visiting": services.create_team(
            actor=None, organisation=context.objects["health"], name="Health Visiting Kingsbridge"
        ),
        "police_unit": services.create_team(
            actor=None,
            organisation=context.objects["police"],
            name="Vulnerability and Early Intervention Unit",
        ),
    }
    context.objects.update(
        front_door_team=teams["front_door"],
        early_help_teams=[teams["north"], teams["south"]],
        teams=teams,
    )
    return teams


def seed_accounts(context: SeedContext) -> None:
    organisations = _organisations(context)
    teams = _teams(context)
    demo_users: dict[str, User] = {}
    for number, (local, role, org_key, team_key, job) in enumerate(DEMO_ACCOUNTS):
        user = services.create_user(
            actor=None,
            email=f"{local}@{DEMO_DOMAIN}",
            full_name=f"{context.faker.first_name()} {context.faker.last_name()}",
            password=DEMO_PASSWORD,
            job_title=job[0].upper() + job[1:],
            phone=f"01632 960{100 + number}",  # Ofcom's range for drama: never a real line
            is_staff=role == Role.ADMINISTRATOR,
            reason="Demo account",
        )
        if role == Role.ADMINISTRATOR:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        services.add_membership(
            actor=None,
            user=user,
            organisation=organisations[org_key],
            team=teams[team_key] if team_key else None,
            role=role,
        )
        # Enrolled so the demo code (or a real TOTP from the stored key) works straight away.
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        services.regenerate_backup_codes(user)
        demo_users[local] = user
    context.objects["demo_users"] = demo_users
    if context.scale == "large":
        _seed_large_workforce(context, teams)


def _seed_large_workforce(context: SeedContext, teams: dict[str, Team]) -> None:
    """A large council's 1,000+ practitioners across partner agencies (DOMAIN.md section 7)."""
    password = make_password(DEMO_PASSWORD)  # hash once: hashing 1,000 times would take minutes
    places: list[tuple[Organisation, Team | None, str]] = []
    for team in teams.values():
        places += [(team.organisation, team, Role.PRACTITIONER)] * 20
    for school in context.objects["schools"]:
        places += [
            (school, None, Role.DESIGNATED_SAFEGUARDING_LEAD),
            (school, None, Role.PRACTITIONER),
            (school, None, Role.PRACTITIONER),
            (school, None, Role.PRACTITIONER),
            (school, None, Role.PRACTITIONER),
        ]
    users = User.objects.bulk_create(
        User(
            email=f"staff{index}@{DEMO_DOMAIN}",
            full_name=f"{context.faker.first_name()} {context.faker.last_name()}",
            password=password,
        )
        for index in range(len(places))
    )
    if users and users[0].pk is None:  # some backends do not return keys from bulk_create
        users = list(User.objects.filter(email__startswith="staff").order_by("pk"))
    Membership.objects.bulk_create(
        Membership(user=user, organisation=organisation, team=team, role=role)
        for user, (organisation, team, role) in zip(users, places, strict=True)
    )
    context.say(
        f"  {len(users)} practitioners across {len(context.objects['schools'])} schools"
        " and the partner agencies"
    )
