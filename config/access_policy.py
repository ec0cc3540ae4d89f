"""Who may open each page and call each API operation: the declared access policy.

This table is the promise; `tests/test_access_policy.py` checks the code keeps it. It walks every
URL pattern of the project and every operation in the API's OpenAPI schema, and tries each one
as every kind of user below. A URL or operation missing from this table fails that test, and so
does an entry for one that no longer exists. `docs/access-policy.md` is rendered from this module
(`python scripts/render_access_policy.py`); a test checks it is up to date.

Read it as: "who may read (GET) this page, and who may write to it (POST)". Anyone not listed
gets "Page not found" (404): the service does not even say the record exists. Someone who is not
signed in is sent to the sign-in page (pages) or gets 401 (API).

It lives in `config/` rather than `earlyhelp/core/` because it names every domain app's URLs,
and `core` may not import domain apps.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Rel(StrEnum):
    """The relationships a user can have to a page or a record. Small and fixed on purpose."""

    ANONYMOUS = "ANONYMOUS"
    ANY_STAFF = "ANY_STAFF"
    SELF = "SELF"
    RECORDER = "RECORDER"
    LEAD = "LEAD"
    TEAM = "TEAM"
    MANAGER = "MANAGER"
    TAF_PARTNER = "TAF_PARTNER"
    SCHOOL_DSL = "SCHOOL_DSL"
    BREAK_GLASS = "BREAK_GLASS"
    AUDITOR = "AUDITOR"
    FRONT_DOOR = "FRONT_DOOR"
    REFERRER = "REFERRER"
    FRONT_DOOR_MANAGER = "FRONT_DOOR_MANAGER"
    ALLOCATOR = "ALLOCATOR"
    ORG_ADMIN = "ORG_ADMIN"
    SYSTEM_ADMIN = "SYSTEM_ADMIN"


MEANING: dict[Rel, str] = {
    Rel.ANONYMOUS: "Anyone, signed in or not (public pages only).",
    Rel.ANY_STAFF: "Anyone signed in with two-factor, whatever their role.",
    Rel.SELF: "The signed-in user, for their own account and API tokens only.",
    Rel.RECORDER: "Holds a role that may record people and families (practitioner, front-door "
    "screener, team manager, designated safeguarding lead).",
    Rel.LEAD: "The family's lead practitioner (a reason held personally).",
    Rel.TEAM: "A current member of the team allocated to the family.",
    Rel.MANAGER: "A current team manager of the team allocated to the family.",
    Rel.TAF_PARTNER: "A partner on the team around the family (for example a school or health "
    "practitioner), while the family's consent to share with them is in force or a "
    "safeguarding override covers them. Withdrawn consent removes this at once.",
    Rel.SCHOOL_DSL: "The designated safeguarding lead of the child's school, for that pupil "
    "only, while consent to share with the school is in force.",
    Rel.BREAK_GLASS: "Someone who used break-glass access to this person, with a written "
    "reason, for the few hours it lasts (read only; flagged in the audit trail, the data "
    "protection officer is told).",
    Rel.AUDITOR: "An auditor (data protection officer), for audit purposes. Never changes case "
    "records; writes only data-protection records (subject access requests, retention decisions).",
    Rel.FRONT_DOOR: "A current member of a front-door team (screeners and their managers).",
    Rel.REFERRER: "The practitioner who made a request for support, for that request and the "
    "professional disagreements they raised about its decision.",
    Rel.FRONT_DOOR_MANAGER: "A current team manager of a front-door team: approves screeners' "
    "decisions when the council asks for approval.",
    Rel.ALLOCATOR: "A current team manager in a council organisation: sees the allocation "
    "queue and allocates episodes to teams and lead practitioners.",
    Rel.ORG_ADMIN: "An administrator of that organisation.",
    Rel.SYSTEM_ADMIN: "A system administrator (superuser).",
}

Who = frozenset[Rel]


def who(*relationships: Rel) -> Who:
    return frozenset(relationships)


PUBLIC = who(Rel.ANONYMOUS)
STAFF = who(Rel.ANY_STAFF)
NOBODY: Who = frozenset()
#: Everyone with a need to know a person's record.
READ_PERSON = who(
    Rel.LEAD,
    Rel.TEAM,
    Rel.MANAGER,
    Rel.TAF_PARTNER,
    Rel.SCHOOL_DSL,
    Rel.BREAK_GLASS,
    Rel.AUDITOR,
)
#: Those who may also change it: every working reason (not break-glass, not the auditor).
CHANGE_PERSON = who(Rel.LEAD, Rel.TEAM, Rel.MANAGER, Rel.TAF_PARTNER, Rel.SCHOOL_DSL)
#: A restricted person: only reasons held personally (never a team's or a school's), and audit.
READ_RESTRICTED = who(Rel.LEAD, Rel.TAF_PARTNER, Rel.AUDITOR)
CHANGE_RESTRICTED = who(Rel.LEAD, Rel.TAF_PARTNER)
#: A family's record: reasons held for the family (a school's reason is for its pupil only).
READ_FAMILY = who(Rel.LEAD, Rel.TEAM, Rel.MANAGER, Rel.TAF_PARTNER, Rel.AUDITOR)
CHANGE_FAMILY = who(Rel.LEAD, Rel.TEAM, Rel.MANAGER, Rel.TAF_PARTNER)
MANAGERS = who(Rel.MANAGER)
#: The council people doing the work on a family's episode: its lead practitioner and the
#: allocated team (managers among them). Not partners, not the auditor.
EPISODE_WORKERS = who(Rel.LEAD, Rel.TEAM, Rel.MANAGER)
ADMINS = who(Rel.ORG_ADMIN, Rel.SYSTEM_ADMIN)


@dataclass(frozen=True)
class Restricted:
    """The same page for a restricted person: who may read and write then."""

    read: Who
    write: Who | None


@dataclass(frozen=True)
class Page:
    """One named URL. `read=None`: it answers no GET (405). `write=None`: it takes no writes
    (it has no form; a POST is answered like a GET). `needs` names the records the URL points
    at, in the order of its arguments (the test builds them)."""

    read: Who | None
    write: Who | None
    why: str
    needs: tuple[str, ...] = ()
    restricted: Restricted | None = None


@dataclass(frozen=True)
class Operation:
    """One API operation. Callers without the relationship get `denied` (404 when the record
    is one they may not see, 403 when their role may not do it); without credentials, 401."""

    allowed: Who
    denied: int
    why: str
    needs: tuple[str, ...] = ()
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, object] | None = None
    restricted: Who | None = None


#: URL trees that are not ours to police, and why.
EXCLUDED_ROUTES: dict[str, str] = {
    "django-admin/": "Django's own admin site: only staff superusers, enforced by Django itself.",
}

PAGES: dict[str, Page] = {
    # --- Public pages and signing in ----------------------------------------------------------
    "core:accessibility": Page(PUBLIC, None, "Accessibility statement."),
    "core:privacy": Page(PUBLIC, None, "Privacy notice."),
    "core:health": Page(PUBLIC, None, "Load balancer check; says only 'ok'. GET only."),
    "accounts:sign_in": Page(PUBLIC, PUBLIC, "Sign in."),
    "accounts:two_factor": Page(PUBLIC, PUBLIC, "Second sign-in step (needs the first)."),
    "accounts:set_up_two_factor": Page(PUBLIC, PUBLIC, "First sign-in: set up two-factor."),
    "accounts:sign_out": Page(None, PUBLIC, "Sign out (a button, POST only)."),
    "accounts:signed_out": Page(PUBLIC, None, "You have signed out."),
    "accounts:password_reset": Page(PUBLIC, PUBLIC, "Ask for a password reset email."),
    "accounts:password_reset_done": Page(PUBLIC, None, "Reset email sent."),
    "accounts:password_reset_confirm": Page(
        PUBLIC, PUBLIC, "Choose a new password from the emailed link.", ("reset_uid", "reset_token")
    ),
    "accounts:password_reset_complete": Page(PUBLIC, None, "Password changed."),
    # --- Any signed-in user -----------------------------------------------------------------------
    "core:home": Page(STAFF, None, "Home page."),
    "accounts:keep_alive": Page(None, STAFF, "Stay signed in (POST only)."),
    "accounts:account": Page(STAFF, STAFF, "Your own account and API tokens."),
    "accounts:backup_codes": Page(STAFF, None, "Your own two-factor backup codes."),
    "accounts:regenerate_backup_codes": Page(None, STAFF, "New backup codes (POST only)."),
    "accounts:revoke_api_token": Page(
        None, who(Rel.SELF), "Revoke one of your own API tokens (POST only).", ("own_token",)
    ),
    "people:find": Page(
        STAFF,
        None,
        "Find a person. Names, date of birth and who to call only; opening a record needs a "
        "reason. Restricted people are never shown without one.",
    ),
    # --- Recording people and families --------------------------------------------------------
    "people:add": Page(who(Rel.RECORDER), who(Rel.RECORDER), "Add a person (search first)."),
    "people:add_family": Page(who(Rel.RECORDER), who(Rel.RECORDER), "Add a family."),
    "people:break_glass": Page(
        who(Rel.RECORDER),
        who(Rel.RECORDER),
        "Break-glass access to a person found in a search, with a written reason. Someone who "
        "may already see the record is sent to it.",
        ("child",),
    ),
    # --- A person's record --------------------------------------------------------------------
    "people:person": Page(
        READ_PERSON,
        None,
        "A person's record.",
        ("child",),
        Restricted(READ_RESTRICTED, None),
    ),
    "people:history": Page(
        READ_PERSON,
        None,
        "A person's change history.",
        ("child",),
        Restricted(READ_RESTRICTED, None),
    ),
    "people:access_log": Page(
        who(Rel.AUDITOR),
        None,
        "Auditor: everyone who viewed, searched for or exported a person or their family.",
        ("child",),
        Restricted(who(Rel.AUDITOR), None),
    ),
    "people:edit": Page(
        CHANGE_PERSON,
        CHANGE_PERSON,
        "Change a person's details.",
        ("child",),
        Restricted(CHANGE_RESTRICTED, CHANGE_RESTRICTED),
    ),
    "people:add_address": Page(
        CHANGE_PERSON,
        CHANGE_PERSON,
        "Add an address.",
        ("child",),
        Restricted(CHANGE_RESTRICTED, CHANGE_RESTRICTED),
    ),
    # --- A family's record --------------------------------------------------------------------
    "people:family": Page(READ_FAMILY, None, "A family's record.", ("family",)),
    "people:add_member": Page(
        CHANGE_FAMILY, CHANGE_FAMILY, "Add someone to a family.", ("family",)
    ),
    "people:add_relationship": Page(
        CHANGE_FAMILY, CHANGE_FAMILY, "Record how two family members are related.", ("family",)
    ),
    "consent:family": Page(
        READ_FAMILY, None, "The family's consent position and sharing log.", ("family",)
    ),
    "consent:record": Page(
        CHANGE_FAMILY, CHANGE_FAMILY, "Record consent given, refused or withdrawn.", ("family",)
    ),
    "consent:record_sharing": Page(
        CHANGE_FAMILY, CHANGE_FAMILY, "Record an information-sharing decision.", ("family",)
    ),
    "consent:record_override": Page(
        MANAGERS, MANAGERS, "Record a safeguarding override (managers only).", ("family",)
    ),
    "consent:end_override": Page(
        MANAGERS, MANAGERS, "End a safeguarding override (managers only).", ("override",)
    ),
    # --- Merging duplicate records (team managers who may change both) ------------------------
    "people:merge_choose": Page(
        MANAGERS, MANAGERS, "Choose a possible duplicate to merge.", ("child",)
    ),
    "people:merge_confirm": Page(
        MANAGERS, MANAGERS, "Compare two records and merge them.", ("child", "duplicate")
    ),
    "people:merge_detail": Page(MANAGERS, None, "What a merge moved.", ("merge",)),
    "people:merge_undo": Page(None, MANAGERS, "Undo a merge (POST only).", ("merge",)),
    # --- Audit ------------------------------------------------------------------------------------
    "core:audit_people": Page(who(Rel.AUDITOR), None, "Auditor: find a user to check."),
    "core:audit_user_trail": Page(
        who(Rel.AUDITOR), None, "Auditor: everything one user accessed.", ("staff_user",)
    ),
    # --- Managing organisations -------------------------------------------------------------------
    "accounts:manage_organisations": Page(ADMINS, None, "Organisations you administer."),
    "accounts:add_organisation": Page(
        who(Rel.SYSTEM_ADMIN), who(Rel.SYSTEM_ADMIN), "Add an organisation."
    ),
    "accounts:manage_organisation": Page(
        ADMINS, None, "An organisation's teams and people.", ("organisation",)
    ),
    "accounts:add_team": Page(ADMINS, ADMINS, "Add a team.", ("organisation",)),
    "accounts:add_person": Page(
        ADMINS, ADMINS, "Give someone a role in the organisation.", ("organisation",)
    ),
    "accounts:end_membership": Page(
        ADMINS, ADMINS, "End someone's role.", ("organisation", "membership")
    ),
    "accounts:unlock_person": Page(
        None, ADMINS, "Unlock a locked account (POST only).", ("organisation", "staff_user")
    ),
    # --- Subject access requests (earlyhelp/subject_access) ---------------------------------
    "subject_access:log": Page(
        who(Rel.AUDITOR), None, "Data protection officer: the disclosure log, with due dates."
    ),
    "subject_access:new": Page(
        who(Rel.AUDITOR),
        who(Rel.AUDITOR),
        "Data protection officer: record a subject access request.",
    ),
    "subject_access:request": Page(
        who(Rel.AUDITOR),
        who(Rel.AUDITOR),
        "Data protection officer: a subject access request, its redaction and status.",
        ("subject_access_request",),
    ),
    "subject_access:document": Page(
        who(Rel.AUDITOR),
        None,
        "Data protection officer: the redacted disclosure (recorded as an export).",
        ("subject_access_request",),
    ),
    "subject_access:pdf": Page(
        who(Rel.AUDITOR),
        None,
        "Data protection officer: the redacted disclosure as PDF (recorded as an export).",
        ("subject_access_request",),
    ),
    "subject_access:json": Page(
        who(Rel.AUDITOR),
        None,
        "Data protection officer: the redacted disclosure as JSON (recorded as an export).",
        ("subject_access_request",),
    ),
    # --- Retention (earlyhelp/retention) -------------------------------------------------------
    "retention:reviews": Page(
        who(Rel.AUDITOR), None, "Data protection officer: families due for retention review."
    ),
    "retention:review": Page(
        who(Rel.AUDITOR),
        None,
        "Data protection officer: one family's retention facts, legal hold and decisions.",
        ("family",),
    ),
    "retention:keep": Page(
        None,
        who(Rel.AUDITOR),
        "Data protection officer: keep a due family's records for longer (POST only).",
        ("family",),
    ),
    "retention:place_hold": Page(
        None,
        who(Rel.AUDITOR),
        "Data protection officer: place a legal hold (POST only).",
        ("family",),
    ),
    "retention:lift_hold": Page(
        None,
        who(Rel.AUDITOR),
        "Data protection officer: lift a legal hold (POST only).",
        ("family",),
    ),
    "retention:anonymise": Page(
        who(Rel.AUDITOR),
        who(Rel.AUDITOR),
        "Data protection officer: anonymise a due family's records, with a reason.",
        ("family",),
    ),
    # --- Unusual access (auditor) ---------------------------------------------------------------
    "people:unusual_access": Page(
        who(Rel.AUDITOR),
        None,
        "Auditor: break-glass use, views outside the user's caseload, volume spikes.",
    ),
    # --- Front door: requests for support (earlyhelp/frontdoor/urls_requests.py) ---------------
    "frontdoor:requests": Page(
        STAFF, None, "Your own requests for support: drafts and sent, with status and outcome."
    ),
    "frontdoor:request_start": Page(
        who(Rel.RECORDER), who(Rel.RECORDER), "Start a request for support (a new draft)."
    ),
    "frontdoor:request": Page(
        who(Rel.REFERRER),
        None,
        "One of your own requests: status, answers, outcome when decided, messages.",
        ("own_request",),
    ),
    "frontdoor:request_step": Page(
        who(Rel.REFERRER),
        who(Rel.REFERRER),
        "A question page of your own draft request; each answer is saved.",
        ("own_request", "request_step"),
    ),
    "frontdoor:request_attachment": Page(
        who(Rel.REFERRER),
        who(Rel.REFERRER),
        "Upload files to (or remove them from) your own draft request.",
        ("own_request",),
    ),
    "frontdoor:request_check": Page(
        who(Rel.REFERRER),
        who(Rel.REFERRER),
        "Check the answers of your own draft request and send it.",
        ("own_request",),
    ),
    "frontdoor:request_submitted": Page(
        who(Rel.REFERRER),
        None,
        "Your request was sent: its reference (a draft goes back to check answers).",
        ("own_request",),
    ),
    "frontdoor:attachment": Page(
        who(Rel.REFERRER, Rel.AUDITOR),
        None,
        "Download a file sent with a request (recorded as an export). The front door too, once "
        "the request is sent; never someone else's draft.",
        ("own_attachment",),
    ),
    "frontdoor:record_contact": Page(
        who(Rel.FRONT_DOOR),
        who(Rel.FRONT_DOOR),
        "Record a contact received by phone or email, then the same question pages.",
    ),
    "frontdoor:help": Page(PUBLIC, None, "Public: ask for help for your family (start page)."),
    "frontdoor:self_request": Page(
        PUBLIC,
        PUBLIC,
        "Public: a family's own request (honeypot, minimum time to fill, rate limit per address).",
    ),
    "frontdoor:self_request_sent": Page(
        PUBLIC, None, "Public: your request was sent, its reference and what happens next."
    ),
    # --- Front door: queue, screening, decisions (earlyhelp/frontdoor/urls_screening.py) -------
    "frontdoor:queue": Page(
        who(Rel.FRONT_DOOR),
        None,
        "The front-door queue: open contacts with RAG, age and working time left; filter, sort.",
    ),
    "frontdoor:contact": Page(
        who(Rel.FRONT_DOOR),
        who(Rel.FRONT_DOOR),
        "A contact: the request, existing involvement of each child, claim, RAG rating with "
        "history, matching named children to records (recorded in the access log).",
        ("contact",),
    ),
    "frontdoor:decide": Page(
        who(Rel.FRONT_DOOR),
        who(Rel.FRONT_DOOR),
        "Decide a contact's outcome with reasons; the referrer is told (or a manager approves).",
        ("contact",),
    ),
    "frontdoor:approve": Page(
        who(Rel.FRONT_DOOR_MANAGER),
        who(Rel.FRONT_DOOR_MANAGER),
        "A front-door manager approves or returns a screener's decision.",
        ("contact_awaiting_approval",),
    ),
    # --- Episodes: allocation (earlyhelp/episodes/urls.py) -------------------------------------
    "episodes:allocation_queue": Page(
        who(Rel.ALLOCATOR),
        None,
        "Families waiting for allocation, how long each has waited, waiting lists per team.",
    ),
    "episodes:allocate": Page(
        who(Rel.ALLOCATOR),
        who(Rel.ALLOCATOR),
        "Allocate an episode to a team and a lead practitioner, who can then see the family.",
        ("episode",),
    ),
    # --- Front door: consultation line, disagreements (earlyhelp/frontdoor/urls_consultation.py)
    "frontdoor:consultations": Page(
        who(Rel.FRONT_DOOR), None, "The consultation line: advice calls, newest first, filtered."
    ),
    "frontdoor:record_consultation": Page(
        who(Rel.FRONT_DOOR),
        who(Rel.FRONT_DOOR),
        "Record a consultation call; a child is linked only if the recorder may open them.",
    ),
    "frontdoor:consultation": Page(
        who(Rel.FRONT_DOOR),
        None,
        "One consultation call (recorded in the access log when it names a child).",
        ("consultation_call",),
    ),
    "frontdoor:raise_disagreement": Page(
        who(Rel.REFERRER),
        who(Rel.REFERRER),
        "The referrer disagrees with the front door's decision on their request.",
        ("decided_contact",),
    ),
    "frontdoor:disagreements": Page(
        who(Rel.FRONT_DOOR), None, "Professional disagreements, open ones first."
    ),
    "frontdoor:disagreement": Page(
        who(Rel.FRONT_DOOR, Rel.REFERRER, Rel.AUDITOR),
        who(Rel.FRONT_DOOR, Rel.REFERRER),
        "A disagreement's timeline; reply, escalate a stage, or (a front-door manager) resolve.",
        ("disagreement",),
    ),
    # --- Episodes: caseloads, family record, chronology, notes, step up/down, closure ---------
    "episodes:my_caseload": Page(
        STAFF,
        None,
        "Your own caseload: families you lead or are on the team around, and follow-up tasks.",
    ),
    "episodes:team_caseload": Page(
        who(Rel.ALLOCATOR),
        None,
        "A council team manager's team caseload: filters, server-side sort, pages.",
    ),
    "episodes:family_episode": Page(
        READ_FAMILY,
        None,
        "The family's episode: lead practitioner and history, team around the family, "
        "children and levels, step up and down, closure (recorded in the access log).",
        ("family",),
    ),
    "episodes:change_lead": Page(
        EPISODE_WORKERS,
        EPISODE_WORKERS,
        "Hand the family to a new lead practitioner: the old lead's access ends, the new one's "
        "starts.",
        ("family",),
    ),
    "episodes:add_team_member": Page(
        EPISODE_WORKERS,
        EPISODE_WORKERS,
        "Add a practitioner to the team around the family (they may see the family while "
        "consent allows).",
        ("family",),
    ),
    "episodes:remove_team_member": Page(
        None,
        EPISODE_WORKERS,
        "A practitioner leaves the team around the family and loses that access.",
        ("family", "taf_member"),
    ),
    "episodes:child_level": Page(
        EPISODE_WORKERS,
        EPISODE_WORKERS,
        "Set or change a child's level of need, with the date and why.",
        ("family", "child"),
    ),
    "episodes:step_up": Page(
        EPISODE_WORKERS,
        EPISODE_WORKERS,
        "Step the family up to children's social care; the social worker becomes lead.",
        ("family",),
    ),
    "episodes:step_down": Page(
        EPISODE_WORKERS,
        EPISODE_WORKERS,
        "Step the family down to early help, to a receiving lead practitioner.",
        ("family",),
    ),
    "episodes:close": Page(
        EPISODE_WORKERS,
        EPISODE_WORKERS,
        "Close the episode with a reason; a sustainment check follows months later.",
        ("family",),
    ),
    "episodes:chronology": Page(
        READ_FAMILY,
        CHANGE_FAMILY,
        "The family's chronology (MoJ timeline) from every app; add a manual entry.",
        ("family",),
    ),
    "episodes:notes": Page(
        READ_FAMILY,
        CHANGE_FAMILY,
        "Case notes (visit, call, message, observation); a significant one joins the chronology.",
        ("family",),
    ),
    "episodes:engagement": Page(
        READ_FAMILY,
        CHANGE_FAMILY,
        "The log of attempts to engage the family.",
        ("family",),
    ),
    "episodes:supervision": Page(
        who(Rel.LEAD, Rel.TEAM, Rel.MANAGER, Rel.AUDITOR),
        MANAGERS,
        "Supervision and management oversight notes: the council people doing the work read "
        "them (not partners); the team's managers write them.",
        ("family",),
    ),
    # --- Assessments (earlyhelp/assessments) ---------------------------------------------------
    "assessments:family": Page(
        READ_FAMILY,
        who(Rel.LEAD, Rel.TEAM, Rel.MANAGER),
        "The family's early help assessments (audited); the lead practitioner or allocated team "
        "starts one on the open episode.",
        ("family",),
    ),
    "assessments:assessment": Page(
        READ_FAMILY,
        None,
        "An assessment's overview: sections and their state, due date and working days left, "
        "scores, agreement (audited).",
        ("assessment",),
    ),
    "assessments:section": Page(
        who(Rel.LEAD, Rel.TEAM, Rel.MANAGER),
        who(Rel.LEAD, Rel.TEAM, Rel.MANAGER),
        "One section of the assessment to edit; a save from an older version shows both "
        "versions to choose from (audited).",
        ("assessment", "assessment_section"),
    ),
    "assessments:autosave": Page(
        None,
        who(Rel.LEAD, Rel.TEAM, Rel.MANAGER),
        "Save a section as you type (JSON, POST only): 409 with both versions on a conflict.",
        ("assessment", "assessment_section"),
    ),
    "assessments:submit": Page(
        who(Rel.LEAD, Rel.TEAM, Rel.MANAGER),
        who(Rel.LEAD, Rel.TEAM, Rel.MANAGER),
        "Check and submit the assessment; writes the area scores (audited).",
        ("assessment",),
    ),
    "assessments:sign_off": Page(
        MANAGERS,
        MANAGERS,
        "A manager of the allocated team signs off a submitted assessment or returns it.",
        ("assessment",),
    ),
    "assessments:agreement": Page(
        who(Rel.LEAD, Rel.TEAM, Rel.MANAGER),
        who(Rel.LEAD, Rel.TEAM, Rel.MANAGER),
        "Record the family's agreement to the assessment: who, how and when.",
        ("assessment",),
    ),
    "assessments:print": Page(
        READ_FAMILY,
        None,
        "The whole assessment to print or save as PDF (audited).",
        ("assessment",),
    ),
    # --- Plans (earlyhelp/plans) ----------------------------------------------------------------
    "plans:family": Page(
        READ_FAMILY,
        CHANGE_FAMILY,
        "The family plan: needs, outcomes, actions; add them and agree a version (audited).",
        ("family",),
    ),
    "plans:action": Page(
        READ_FAMILY,
        CHANGE_FAMILY,
        "One plan action: change who, by when, status and progress; a stale save shows both.",
        ("plan_action",),
    ),
    "plans:versions": Page(
        READ_FAMILY, None, "The plan's agreed versions as they were agreed (audited).", ("plan",)
    ),
    "plans:family_copy": Page(
        READ_FAMILY, None, "The plan in plain words for the family, to print (audited).", ("plan",)
    ),
    "plans:family_copy_pdf": Page(
        READ_FAMILY,
        None,
        "The family copy as a PDF to download (audited as an export).",
        ("plan",),
    ),
    # --- Meetings (earlyhelp/meetings) ----------------------------------------------------------
    "meetings:family": Page(
        READ_FAMILY,
        CHANGE_FAMILY,
        "The family's meetings and next review date; arrange a meeting (audited).",
        ("family",),
    ),
    "meetings:meeting": Page(
        READ_FAMILY,
        CHANGE_FAMILY,
        "One meeting: attendance, minutes, decisions, action updates, review scores (audited).",
        ("meeting",),
    ),
    "meetings:distance_travelled": Page(
        READ_FAMILY,
        None,
        "Each assessment area's scores over time, from the assessment and reviews (audited).",
        ("family",),
    ),
    # --- Needs attention (earlyhelp/attention) --------------------------------------------------
    "attention:mine": Page(
        STAFF,
        STAFF,
        "Your own needs-attention list: families you lead, your own plan actions on families "
        "where you are on the team around the family, your unread reminders (mark as read: "
        "only your own). Recorded in the access log.",
    ),
    "attention:team": Page(
        who(Rel.ALLOCATOR),
        None,
        "A council team manager's needs-attention list for every family of the teams they "
        "manage: filter by lead practitioner, most overdue first (recorded in the access log).",
    ),
    # --- Approvals of step up and closure (earlyhelp/episodes) ---------------------------------
    "episodes:approvals": Page(
        who(Rel.ALLOCATOR),
        None,
        "A council team manager's approvals: step ups and closures waiting in the teams they "
        "manage (other teams' families are not listed), and the latest decided. Recorded in "
        "the access log.",
    ),
    "episodes:approval": Page(
        who(Rel.LEAD, Rel.TEAM, Rel.MANAGER, Rel.AUDITOR),
        MANAGERS,
        "The family's step up or closure waiting for approval and the episode's earlier "
        "requests: the lead practitioner and the allocated team read them (the requester sees "
        "what was asked and decided), the auditor reads; the team's managers approve or "
        "decline with a reason.",
        ("family",),
    ),
    # --- The API's own pages (its operations are listed in API_OPERATIONS) --------------------
    "api:openapi-json": Page(PUBLIC, None, "The API's OpenAPI description (no data)."),
    "api:openapi-view": Page(PUBLIC, None, "The API's documentation page (no data)."),
    "api:api-root": Page(NOBODY, None, "/api/ itself: answers 404 to everyone."),
    "api:not-found": Page(NOBODY, None, "Any unknown path under /api/: 404 to everyone."),
}

REASON: dict[str, object] = {"reason": "Access policy check"}

API_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/api/me"): Operation(STAFF, 401, "Who you are and your roles."),
    ("GET", "/api/me/tokens"): Operation(STAFF, 401, "Your own API tokens."),
    ("POST", "/api/me/tokens"): Operation(
        STAFF, 401, "Create an API token for yourself.", body={"name": "Policy check"}
    ),
    ("DELETE", "/api/me/tokens/{token_id}"): Operation(
        who(Rel.SELF), 404, "Revoke one of your own tokens.", ("own_token",)
    ),
    ("GET", "/api/people/search"): Operation(
        STAFF,
        401,
        "Find people: names, date of birth and who to call; restricted people hidden.",
        query={"family_name": "Policy"},
    ),
    ("POST", "/api/people/match"): Operation(
        STAFF, 401, "Who may this person be? Same answer as search.", body={"family_name": "Policy"}
    ),
    ("GET", "/api/people/{person_id}"): Operation(
        READ_PERSON, 404, "A person's record.", ("child",), restricted=READ_RESTRICTED
    ),
    ("PATCH", "/api/people/{person_id}"): Operation(
        CHANGE_PERSON,
        404,
        "Change a person's details.",
        ("child",),
        body=REASON,
        restricted=CHANGE_RESTRICTED,
    ),
    ("POST", "/api/people"): Operation(
        who(Rel.RECORDER),
        403,
        "Add a person.",
        body={"given_name": "Policy", "family_name": "Check", "confirmed_new": True, **REASON},
    ),
    ("POST", "/api/people/{person_id}/addresses"): Operation(
        CHANGE_PERSON,
        404,
        "Add an address.",
        ("child",),
        body={"line_1": "1 Policy Street", "postcode": "KB1 1AA", "is_current": False, **REASON},
        restricted=CHANGE_RESTRICTED,
    ),
    ("POST", "/api/families"): Operation(
        who(Rel.RECORDER), 403, "Add a family.", body={"name": "Policy family", **REASON}
    ),
    ("GET", "/api/families/{family_id}"): Operation(
        READ_FAMILY, 404, "A family's record.", ("family",)
    ),
    ("POST", "/api/families/{family_id}/members"): Operation(
        CHANGE_FAMILY,
        404,
        "Add someone to a family (the test sends someone already in it).",
        ("family",),
        body={"person_id": "<child>", "role": "child", **REASON},
    ),
    ("POST", "/api/families/{family_id}/relationships"): Operation(
        CHANGE_FAMILY,
        404,
        "Record how two members are related (the test sends one person twice).",
        ("family",),
        body={
            "person_id": "<child>",
            "related_person_id": "<child>",
            "kind": "sibling",
            "has_parental_responsibility": False,
            **REASON,
        },
    ),
    # --- Front door API -----------------------------------------------------------------------
    ("POST", "/api/requests"): Operation(
        who(Rel.RECORDER),
        403,
        "Send a request for support (the same answers as the online form; an idempotency key "
        "makes a retry return the first request).",
        body={
            "children": [{"given_name": "Policy", "family_name": "Request"}],
            "worries": ["16A"],
            "already_tried": "Policy check",
            "family_consent": "yes",
            "urgency": "routine",
            "idempotency_key": "policy-check",
        },
    ),
    ("GET", "/api/requests"): Operation(
        STAFF, 401, "Your own sent requests for support: status, outcome when decided."
    ),
    ("GET", "/api/requests/{reference}"): Operation(
        who(Rel.REFERRER, Rel.FRONT_DOOR, Rel.AUDITOR),
        404,
        "A sent request: its status and outcome (the referrer's own; the front door's and "
        "auditors' any).",
        ("decided_contact_reference",),
    ),
    # --- Episode API: episodes, assessments, plans, meetings, notes ----------------------------
    ("GET", "/api/episodes"): Operation(
        STAFF,
        401,
        "Your own caseload: episodes you lead or are on the team around the family for "
        "(filter by status, paginated).",
    ),
    ("GET", "/api/episodes/{episode_id}"): Operation(
        READ_FAMILY,
        404,
        "An episode: children and levels, lead practitioner and history, team around the "
        "family, step up and down, closure (as on the family's episode page).",
        ("family_episode",),
    ),
    ("GET", "/api/episodes/{episode_id}/chronology"): Operation(
        READ_FAMILY, 404, "The episode's chronology, newest first.", ("family_episode",)
    ),
    ("GET", "/api/episodes/{episode_id}/notes"): Operation(
        READ_FAMILY, 404, "The episode's case notes.", ("family_episode",)
    ),
    ("POST", "/api/episodes/{episode_id}/notes"): Operation(
        CHANGE_FAMILY,
        404,
        "Record a case note on the family's current episode (as on the notes page).",
        ("family_episode",),
        body={"kind": "call", "occurred_on": "2025-01-06", "text": "Policy check"},
    ),
    ("GET", "/api/episodes/{episode_id}/assessments"): Operation(
        READ_FAMILY, 404, "The episode's assessments.", ("family_episode",)
    ),
    ("GET", "/api/assessments/{assessment_id}"): Operation(
        READ_FAMILY,
        404,
        "An assessment: template, status, dates, scores, answers by section with versions.",
        ("assessment",),
    ),
    ("PATCH", "/api/assessments/{assessment_id}/sections/{section_key}"): Operation(
        EPISODE_WORKERS,
        404,
        "Save a section's answers from the version last seen; a stale version with different "
        "answers is 409 with both versions.",
        ("assessment", "assessment_section"),
        body={"version": 0, "answers": {}},
    ),
    ("POST", "/api/assessments/{assessment_id}/submit"): Operation(
        EPISODE_WORKERS,
        404,
        "Submit the assessment (the test's is unfinished: 422 lists what is missing).",
        ("assessment",),
    ),
    ("GET", "/api/episodes/{episode_id}/plan"): Operation(
        READ_FAMILY,
        404,
        "The family plan: needs, outcomes, actions (who, by when, status, progress), version.",
        ("family_episode",),
    ),
    ("POST", "/api/plans/{plan_id}/actions/{action_id}/progress"): Operation(
        CHANGE_FAMILY,
        404,
        "Record an action's progress against the plan version last seen; stale is 409 with "
        "the plan as it is now.",
        ("plan", "plan_action"),
        body={"expected_version": 1, "status": "in_progress", "progress": "Policy check"},
    ),
    ("GET", "/api/episodes/{episode_id}/meetings"): Operation(
        READ_FAMILY, 404, "The episode's meetings and next review date.", ("family_episode",)
    ),
    ("GET", "/api/meetings/{meeting_id}"): Operation(
        READ_FAMILY,
        404,
        "A meeting: kind, date, invitees and attendance, minutes, decisions, next review.",
        ("meeting",),
    ),
}


# --- The rendered summary (docs/access-policy.md) ---------------------------------------------


def _names(allowed: Who | None) -> str:
    if allowed is None:
        return "(not served)"
    if not allowed:
        return "nobody"
    return ", ".join(r.value for r in Rel if r in allowed)


def render_markdown() -> str:
    lines = [
        "# Access policy",
        "",
        "Generated from `config/access_policy.py` by `python scripts/render_access_policy.py`; "
        "do not edit by hand. `tests/test_access_policy.py` checks that every page and API "
        "operation behaves as listed here, for every kind of user, and that this file is up "
        "to date.",
        "",
        "Anyone not listed gets *Page not found* (404): the service does not say whether the "
        "record exists. Someone not signed in is sent to sign in (pages) or gets 401 (API).",
        "",
        "## Relationships",
        "",
        "| Relationship | Meaning |",
        "|---|---|",
        *(f"| `{r.value}` | {MEANING[r]} |" for r in Rel),
        "",
        "## Pages",
        "",
        "Read is GET; write is POST. *(not served)*: the page does not answer that method; "
        "a page without a form takes no writes.",
        "",
        "| Page | Read | Write | What it is |",
        "|---|---|---|---|",
    ]
    for name, page in sorted(PAGES.items()):
        write = "(no form)" if page.write is None and page.read is not None else page.write
        write_text = write if isinstance(write, str) else _names(write)
        lines.append(f"| `{name}` | {_names(page.read)} | {write_text} | {page.why} |")
        if page.restricted:
            lines.append(
                f"| `{name}`, restricted person | {_names(page.restricted.read)} | "
                f"{_names(page.restricted.write) if page.restricted.write is not None else '(no form)'}"
                " | The same page for a restricted person. |"
            )
    lines += [
        "",
        "## API operations",
        "",
        "| Operation | Allowed | Everyone else gets | What it is |",
        "|---|---|---|---|",
    ]
    for (method, path), operation in sorted(API_OPERATIONS.items(), key=lambda kv: kv[0][::-1]):
        lines.append(
            f"| `{method} {path}` | {_names(operation.allowed)} | {operation.denied} | "
            f"{operation.why} |"
        )
        if operation.restricted is not None:
            lines.append(
                f"| `{method} {path}`, restricted person | {_names(operation.restricted)} | "
                f"{operation.denied} | The same for a restricted person. |"
            )
    lines += ["", "## Not covered here", ""]
    lines += [f"- `{route}`: {why}" for route, why in EXCLUDED_ROUTES.items()]
    return "\n".join(lines) + "\n"
