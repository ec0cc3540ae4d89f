"""Code lists for subject access requests (our own; UK GDPR Article 15 and the ICO's guidance on
the right of access name who may ask and what must happen, not a code list)."""

from django.db import models


class RequesterRelationship(models.TextChoices):
    SELF = "self", "The person themselves"
    PARENT = "parent", "A parent with parental responsibility"
    SOLICITOR = "solicitor", "A solicitor acting for them"
    OTHER = "other", "Someone else with their authority (for example an advocate)"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    GATHERING = "gathering", "Gathering"
    REDACTING = "redacting", "Redacting"
    RELEASED = "released", "Released"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


#: Requests still being worked on: these can be overdue.
OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.GATHERING, RequestStatus.REDACTING)
