"""Code lists for people, as `TextChoices`.

Sources: Department for Education, *Children in Need census 2025 to 2026: guide* (ethnicity,
disability and sex codes), which the Ofsted Annex A lists reuse.
"""

from django.db import models


class Sex(models.TextChoices):
    """CIN census "gender" item (N00097), which records sex: 1 male, 2 female, 0/9 not known."""

    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known or not recorded"


class Ethnicity(models.TextChoices):
    """CIN census ethnicity (N00177), the DfE's extended ethnicity main codes."""

    WBRI = "WBRI", "White - British"
    WIRI = "WIRI", "White - Irish"
    WIRT = "WIRT", "White - Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "White - Gypsy or Roma"
    MWBC = "MWBC", "Mixed - White and Black Caribbean"
    MWBA = "MWBA", "Mixed - White and Black African"
    MWAS = "MWAS", "Mixed - White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Asian or Asian British - Indian"
    APKN = "APKN", "Asian or Asian British - Pakistani"
    ABAN = "ABAN", "Asian or Asian British - Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black or Black British - Caribbean"
    BAFR = "BAFR", "Black or Black British - African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Disability(models.TextChoices):
    """CIN census disability (N00099). NONE is exclusive of the others."""

    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autism or Asperger syndrome"
    DDA = "DDA", "Other disability under the Equality Act"


class FamilyRole(models.TextChoices):
    """A person's place in a household; our own list (no national standard exists)."""

    CHILD = "child", "Child"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Sibling"
    OTHER_ADULT = "other_adult", "Other adult"


class RelationshipKind(models.TextChoices):
    """How `related_person` relates to `person` (read: related_person is person's mother)."""

    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    SIBLING = "sibling", "Sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    PARTNER = "partner", "Partner"
    OTHER = "other", "Other"


class InvolvementReason(models.TextChoices):
    """Why someone may see a person's or a family's record (the need-to-know rule, issue 4)."""

    LEAD_PRACTITIONER = "lead_practitioner", "Lead practitioner"
    TEAM_AROUND_FAMILY = "team_around_family", "Team around the family"
    ALLOCATED_TEAM = "allocated_team", "Allocated team"
    FRONT_DOOR = "front_door", "Front door contact"
    SCHOOL = "school", "Pupil at the school"
    RECORDED_BY = "recorded_by", "Recorded the person or family"
    GRANTED = "granted", "Access granted by a manager"
    BREAK_GLASS = "break_glass", "Break-glass access"
