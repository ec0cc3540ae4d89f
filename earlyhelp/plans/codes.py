"""Code lists for family plans.

Supporting Families headline outcomes: the ten headline outcomes of the National Supporting
Families Outcome Framework, from "Supporting Families Programme guidance 2022 to 2025", chapter 3
(Department for Levelling Up, Housing and Communities, 2022). A plan's outcome may name one, so
a council can count families' progress against the framework.
"""

from django.db import models


class SupportingFamiliesOutcome(models.TextChoices):
    EDUCATION = "education", "Getting a good education"
    EARLY_YEARS = "early_years", "Good early years development"
    HEALTH = "health", "Improved mental and physical health"
    SUBSTANCE_USE = "substance_use", "Promoting recovery and reducing harm from substance use"
    RELATIONSHIPS = "relationships", "Improved family relationships"
    SAFE_FROM_ABUSE = "safe_from_abuse", "Children safe from abuse and exploitation"
    CRIME = "crime", "Crime prevention and tackling crime"
    DOMESTIC_ABUSE = "domestic_abuse", "Safe from domestic abuse"
    HOUSING = "housing", "Secure housing"
    FINANCIAL_STABILITY = "financial_stability", "Financial stability"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"


class ActionOwnerKind(models.TextChoices):
    PRACTITIONER = "practitioner", "A practitioner"
    AGENCY = "agency", "An agency or organisation"
    FAMILY_MEMBER = "family_member", "Someone in the family"
