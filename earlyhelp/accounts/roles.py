"""Roles a person can hold in an organisation or team (issue 2)."""

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    FRONT_DOOR_SCREENER = "front_door_screener", "Front-door screener"
    TEAM_MANAGER = "team_manager", "Team manager"
    DESIGNATED_SAFEGUARDING_LEAD = "designated_safeguarding_lead", "Designated safeguarding lead"
    DATA_ANALYST = "data_analyst", "Data analyst"
    ADMINISTRATOR = "administrator", "Administrator"
    AUDITOR = "auditor", "Auditor (data protection officer)"


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council team or service"
    SCHOOL = "school", "School"
    HEALTH = "health", "Health provider"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"
    OTHER = "other", "Other agency"
