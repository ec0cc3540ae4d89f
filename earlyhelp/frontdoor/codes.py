"""Code lists for the front door.

Sources: Department for Education, *Children in Need census 2025 to 2026: guide* (referral source
codes N00152, assessment factor codes N00181); DOMAIN.md section 3 (RAG and outcomes)."""

from django.db import models


class ContactSource(models.TextChoices):
    """CIN census referral/contact source."""

    FAMILY = "1A", "1A Individual: family member, relative or carer"
    ACQUAINTANCE = "1B", "1B Individual: acquaintance (including neighbours and child minders)"
    SELF = "1C", "1C Individual: self"
    OTHER_INDIVIDUAL = "1D", "1D Individual: other"
    SCHOOLS = "2A", "2A Schools"
    EDUCATION_SERVICES = "2B", "2B Education services"
    GP = "3A", "3A Health services: GP"
    HEALTH_VISITOR = "3B", "3B Health services: health visitor"
    SCHOOL_NURSE = "3C", "3C Health services: school nurse"
    OTHER_PRIMARY_HEALTH = "3D", "3D Health services: other primary health services"
    A_AND_E = "3E", "3E Health services: A&E"
    OTHER_HEALTH = "3F", "3F Health services: other"
    HOUSING = "4", "4 Housing"
    LA_SOCIAL_CARE = "5A", "5A Local authority services: social care"
    LA_OTHER_INTERNAL = "5B", "5B Local authority services: other internal"
    LA_EXTERNAL = "5C", "5C Local authority services: external"
    LA_EARLY_HELP = "5D", "5D Local authority services: early help"
    POLICE = "6", "6 Police"
    OTHER_LEGAL = "7", "7 Other legal agency"
    OTHER = "8", "8 Other"
    ANONYMOUS = "9", "9 Anonymous"
    UNKNOWN = "10", "10 Unknown"


class Worry(models.TextChoices):
    """CIN census assessment factors, used as the vocabulary for a request's worries so a later
    step-up to social care arrives already coded."""

    ALCOHOL_CHILD = "1A", "Alcohol misuse: the child"
    ALCOHOL_PARENT = "1B", "Alcohol misuse: a parent or carer"
    ALCOHOL_OTHER = "1C", "Alcohol misuse: another person in the household"
    DRUGS_CHILD = "2A", "Drug misuse: the child"
    DRUGS_PARENT = "2B", "Drug misuse: a parent or carer"
    DRUGS_OTHER = "2C", "Drug misuse: another person in the household"
    DOMESTIC_ABUSE_CHILD = "3A", "Domestic abuse: the child is the subject"
    DOMESTIC_ABUSE_PARENT = "3B", "Domestic abuse: a parent or carer"
    DOMESTIC_ABUSE_OTHER = "3C", "Domestic abuse: another person in the household"
    MENTAL_HEALTH_CHILD = "4A", "Mental health: the child"
    MENTAL_HEALTH_PARENT = "4B", "Mental health: a parent or carer"
    MENTAL_HEALTH_OTHER = "4C", "Mental health: another person in the household"
    LEARNING_DISABILITY_CHILD = "5A", "Learning disability: the child"
    LEARNING_DISABILITY_PARENT = "5B", "Learning disability: a parent or carer"
    LEARNING_DISABILITY_OTHER = "5C", "Learning disability: another person in the household"
    PHYSICAL_CHILD = "6A", "Physical disability or illness: the child"
    PHYSICAL_PARENT = "6B", "Physical disability or illness: a parent or carer"
    PHYSICAL_OTHER = "6C", "Physical disability or illness: another person in the household"
    YOUNG_CARER = "7A", "Young carer"
    PRIVATELY_FOSTERED = "8F", "Privately fostered"
    UNACCOMPANIED = "9A", "Unaccompanied asylum-seeking child"
    MISSING = "10A", "Going or being missing"
    CSE = "11A", "Child sexual exploitation"
    TRAFFICKING = "12A", "Trafficking"
    GANGS = "13A", "Gangs"
    BEHAVIOUR = "14A", "Socially unacceptable behaviour"
    SELF_HARM = "15A", "Self-harm"
    NEGLECT = "16A", "Neglect"
    EMOTIONAL_ABUSE = "17A", "Emotional abuse"
    PHYSICAL_ABUSE = "18B", "Physical abuse"
    SEXUAL_ABUSE = "19B", "Sexual abuse"
    OTHER = "20", "Other"
    FGM = "22A", "Female genital mutilation"
    FAITH = "23A", "Abuse linked to faith or belief"
    CCE = "24A", "Child criminal exploitation"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ContactMethod(models.TextChoices):
    ONLINE = "online", "Online request for support"
    SELF_REQUEST = "self_request", "Family's own request"
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Email"
    API = "api", "Partner system (API)"


class ContactStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SCREENING = "awaiting_screening", "Awaiting screening"
    SCREENING = "screening", "Being screened"
    AWAITING_APPROVAL = "awaiting_approval", "Decision awaiting manager approval"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class FamilyConsent(models.TextChoices):
    YES = "yes", "Yes, the family knows and agrees"
    NO_SAFEGUARDING = (
        "no_safeguarding",
        "No: this is a safeguarding concern, so consent is not needed",
    )
    NO = "no", "No"


class Urgency(models.TextChoices):
    TODAY = "today", "Today: a child may be at risk now"
    SOON = "soon", "Within a few days"
    ROUTINE = "routine", "Routine"


class Outcome(models.TextChoices):
    OPEN_EARLY_HELP = "open_early_help", "Open early help"
    PARTNER_LED = "partner_led", "Early help advisor supports the referring agency to lead"
    SIGNPOST = "signpost", "Signpost to universal or community services"
    NO_FURTHER_ACTION = "nfa", "No further action"
    SOCIAL_CARE = "social_care", "Refer to children's social care"


class ThresholdMet(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNSURE = "unsure", "Not sure"


class DisagreementStage(models.IntegerChoices):
    PRACTITIONERS = 1, "Stage 1: practitioner to practitioner"
    MANAGERS = 2, "Stage 2: managers"
    SENIOR = 3, "Stage 3: senior managers"


class DisagreementStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
