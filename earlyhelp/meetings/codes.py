"""Code lists for meetings (DOMAIN.md §3 steps 7-8 and the professional meetings of §3)."""

from django.db import models


class MeetingKind(models.TextChoices):
    TEAM_AROUND_THE_FAMILY = "taf", "Team around the family meeting"
    REVIEW = "review", "Review"
    PROFESSIONAL = "professional", "Professional meeting (family not invited)"
    FAMILY_NETWORK = "family_network", "Family network or family group decision-making meeting"


class InviteeKind(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    AGENCY = "agency", "Agency"
    FAMILY_MEMBER = "family_member", "Family member"


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
