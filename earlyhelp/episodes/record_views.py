"""The family record's episode pages: the episode (lead practitioner, team around the family,
children and levels, step up and down, closure), the chronology, case notes, engagement attempts
and supervision notes. Every page starts from `families.visible_to(user)` (a family the user has no
reason to see is a 404) and writes an AccessEvent."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.core.access import Action
from earlyhelp.core.audit import record_access
from earlyhelp.core.forms import posted
from earlyhelp.core.models import AccessAction
from earlyhelp.people.access import families
from earlyhelp.people.codes import FamilyRole
from earlyhelp.people.models import Family, Person

from . import services
from .access import manages, reads_supervision, works_on
from .forms import (
    CaseNoteForm,
    ChangeLeadForm,
    ClosureForm,
    EngagementForm,
    LevelForm,
    ManualEntryForm,
    StepDownForm,
    StepUpForm,
    SupervisionForm,
    TeamMemberForm,
    staff_choices,
)
from .models import (
    ApprovalKind,
    CaseNote,
    ChronologyEntry,
    EngagementAttempt,
    Episode,
    EpisodeApproval,
    EpisodeChild,
    EpisodeStatus,
    LevelChange,
    SupervisionNote,
    TeamAroundFamilyMember,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _family(request: HttpRequest, pk: int, what: str) -> Family:
    family = families.get_or_404(request.user, pk=pk)
    record_access(
        request,
        AccessAction.VIEW,
        object_type="family",
        object_id=family.pk,
        description=f"{what}: {family}"[:255],
        family_id=family.pk,
    )
    return family


def _working_episode(request: HttpRequest, pk: int, what: str) -> tuple[Family, Episode]:
    """The family's current episode, for someone doing the work on it (else 404)."""
    family = families.get_or_404(request.user, pk=pk)
    episode = services.current_episode(family)
    if episode is None or not works_on(request.user, episode):
        raise Http404("No such record, or you do not have a reason to see it.")
    _family(request, pk, what)
    return family, episode


def _back(family: Family) -> HttpResponse:
    return redirect("episodes:family_episode", family.pk)


def _context(family: Family, current: str, **extra: Any) -> dict[str, Any]:
    return {"family": family, "current": current, **extra}


# --- The episode ------------------------------------------------------------------------------


@require_http_methods(["GET"])
def family_episode(request: HttpRequest, pk: int) -> HttpResponse:
    family = _family(request, pk, "Episode")
    episode = services.current_episode(family)
    if episode is not None:
        episode.family = family  # loaded already: works_on and manages read it, no query needed
    children: list[EpisodeChild] = []
    changes: list[LevelChange] = []
    members: list[TeamAroundFamilyMember] = []
    family_children: list[Person] = []
    if episode is not None:
        children = list(
            episode.children.select_related("person", "level").order_by("person__date_of_birth")
        )
        changes = list(
            LevelChange.objects.filter(child__episode=episode).select_related(
                "child__person", "from_level", "to_level", "changed_by"
            )
        )
        members = list(
            episode.taf_members.select_related("user", "organisation", "involvement").order_by(
                "left_on", "joined_on"
            )
        )
        in_scope = {c.person_id for c in children}
        family_children = [
            m.person
            for m in family.members.filter(role=FamilyRole.CHILD, left_on__isnull=True)
            .select_related("person")
            .exclude(person_id__in=in_scope)
        ]
    return render(
        request,
        "episodes/episode.html",
        _context(
            family,
            "episode",
            episode=episode,
            children=children,
            changes=changes,
            members=members,
            family_children=family_children,
            spells=list(episode.lead_spells.select_related("user")) if episode else [],
            step_ups=list(episode.step_ups.select_related("social_worker")) if episode else [],
            step_downs=list(episode.step_downs.select_related("receiving_lead")) if episode else [],
            can_work=episode is not None and works_on(request.user, episode),
            can_read_supervision=reads_supervision(request.user, episode),
        ),
    )


def _form_page(
    request: HttpRequest, family: Family, title: str, form: Any, button: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "episodes/form_page.html",
        _context(family, "episode", title=title, form=form, button=button, **extra),
    )


@require_http_methods(["GET", "POST"])
def child_level(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    family, episode = _working_episode(request, pk, "Change a child's level of need")
    member = get_object_or_404(
        family.members.select_related("person"), person_id=person_pk, role=FamilyRole.CHILD
    )
    person = member.person
    if not episode.is_live and episode.status != EpisodeStatus.AWAITING_ALLOCATION:
        messages.info(request, "The episode is closed.")
        return _back(family)
    current = EpisodeChild.objects.filter(episode=episode, person=person).first()
    form = LevelForm(
        posted(request),
        initial={
            "level": current.level_id if current else None,
            "changed_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_level(
                actor=_user(request),
                episode=episode,
                person=person,
                level=form.cleaned_data["level"],
                changed_on=form.cleaned_data["changed_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{person.full_name}'s level of need is recorded.")
            return _back(family)
    return _form_page(
        request, family, f"Level of need for {person.full_name}", form, "Save level of need"
    )


@require_http_methods(["GET", "POST"])
def change_lead(request: HttpRequest, pk: int) -> HttpResponse:
    family, episode = _working_episode(request, pk, "Change the lead practitioner")
    if not episode.is_live:
        messages.info(request, "Only an open episode's lead practitioner can be changed.")
        return _back(family)
    exclude = frozenset({episode.lead_practitioner_id} - {None})
    form = ChangeLeadForm(
        posted(request),
        candidates=staff_choices(council_only=True, exclude=exclude),  # type: ignore[arg-type]
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_lead(
                actor=_user(request),
                episode=episode,
                new_lead=form.lead(),
                reason=form.cleaned_data["reason"],
                family_had_say=form.cleaned_data["family_had_say"],
                family_view=form.cleaned_data["family_view"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{episode.lead_name} is now the lead practitioner.")
            return _back(family)
    return _form_page(
        request,
        family,
        "Change the lead practitioner",
        form,
        "Change lead practitioner",
        intro=f"The lead practitioner now is {episode.lead_name or 'nobody'}.",
    )


@require_http_methods(["GET", "POST"])
def add_team_member(request: HttpRequest, pk: int) -> HttpResponse:
    family, episode = _working_episode(request, pk, "Add to the team around the family")
    if not episode.is_live:
        messages.info(request, "Only an open episode has a team around the family.")
        return _back(family)
    current = frozenset(
        episode.taf_members.filter(left_on__isnull=True).values_list("user_id", flat=True)
    )
    form = TeamMemberForm(
        posted(request),
        candidates=staff_choices(council_only=False, exclude=current),
        initial={"joined_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        member = form.member()
        assert member is not None
        try:
            services.join_team_around_family(
                actor=_user(request),
                episode=episode,
                user=member,
                role=form.cleaned_data["role"],
                joined_on=form.cleaned_data["joined_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{member.full_name or member.email} joined the team around the family."
            )
            return _back(family)
    return _form_page(
        request, family, "Add someone to the team around the family", form, "Add to the team"
    )


@require_http_methods(["POST"])
def remove_team_member(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    family, episode = _working_episode(request, pk, "Remove from the team around the family")
    member = get_object_or_404(episode.taf_members.select_related("user"), pk=member_pk)
    if member.left_on is None:
        services.leave_team_around_family(actor=_user(request), member=member)
        messages.success(
            request,
            f"{member.user.full_name or member.user.email} left the team around the family.",
        )
    return _back(family)


@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest, pk: int) -> HttpResponse:
    family, episode = _working_episode(request, pk, "Step up")
    if episode.status != EpisodeStatus.OPEN:
        messages.info(request, "Only an open early help episode can be stepped up.")
        return _back(family)
    if _waiting_for_approval(request, episode):
        return _back(family)
    needs_approval = services.approval_required(_user(request), episode, ApprovalKind.STEP_UP)
    form = StepUpForm(
        posted(request),
        candidates=staff_choices(council_only=True),
        initial={"decided_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.record_step_up(
                actor=_user(request),
                episode=episode,
                decided_on=form.cleaned_data["decided_on"],
                decided_by=form.cleaned_data["decided_by"],
                reason=form.cleaned_data["reason"],
                handover_notes=form.cleaned_data["handover_notes"],
                social_worker=form.chosen_social_worker(),
                social_worker_name=form.cleaned_data["social_worker_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if isinstance(result, EpisodeApproval):
                messages.success(
                    request,
                    "The step up is waiting for a manager's approval. It takes effect when "
                    "they approve it.",
                )
            else:
                messages.success(request, "The family is stepped up to children's social care.")
            return _back(family)
    return _form_page(
        request,
        family,
        "Step up to children's social care",
        form,
        "Ask for approval" if needs_approval else "Step up",
        warn=not needs_approval,
        intro=APPROVAL_INTRO.format(what="A step up", team=episode.allocated_team)
        if needs_approval
        else "",
    )


@require_http_methods(["GET", "POST"])
def step_down(request: HttpRequest, pk: int) -> HttpResponse:
    family, episode = _working_episode(request, pk, "Step down")
    if episode.status != EpisodeStatus.STEPPED_UP:
        messages.info(request, "Only a stepped-up episode can be stepped down.")
        return _back(family)
    form = StepDownForm(
        posted(request),
        candidates=staff_choices(council_only=True),
        initial={"decided_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        lead = form.lead()
        assert lead is not None
        try:
            services.step_down(
                actor=_user(request),
                episode=episode,
                decided_on=form.cleaned_data["decided_on"],
                handover_meeting_on=form.cleaned_data["handover_meeting_on"],
                receiving_lead=lead,
                family_consent=form.cleaned_data["family_consent"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The family is stepped down to early help.")
            return _back(family)
    return _form_page(request, family, "Step down to early help", form, "Step down")


@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    family, episode = _working_episode(request, pk, "Close the episode")
    if episode.status == EpisodeStatus.CLOSED:
        messages.info(request, "The episode is already closed.")
        return _back(family)
    if _waiting_for_approval(request, episode):
        return _back(family)
    needs_approval = services.approval_required(_user(request), episode, ApprovalKind.CLOSURE)
    form = ClosureForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.record_closure(
                actor=_user(request),
                episode=episode,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if isinstance(result, EpisodeApproval):
                messages.success(
                    request,
                    "The closure is waiting for a manager's approval. The episode closes when "
                    "they approve it.",
                )
            else:
                messages.success(request, "The episode is closed.")
            return _back(family)
    return _form_page(
        request,
        family,
        "Close the episode",
        form,
        "Ask for approval" if needs_approval else "Close the episode",
        warn=not needs_approval,
        intro=APPROVAL_INTRO.format(what="Closing the episode", team=episode.allocated_team)
        if needs_approval
        else "",
    )


APPROVAL_INTRO = (
    "{what} needs the approval of a manager of {team}. They will be asked, and it takes "
    "effect when they approve it."
)


def _waiting_for_approval(request: HttpRequest, episode: Episode) -> bool:
    """While a request waits for approval nothing else is asked for or done: say so."""
    pending = services.pending_approval(episode)
    if pending is None:
        return False
    messages.info(
        request,
        f"{services.APPROVAL_TITLES[ApprovalKind(pending.kind)]} is waiting for a manager's "
        "approval. It must be approved or declined first.",
    )
    return True


# --- Chronology and notes ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def chronology(request: HttpRequest, pk: int) -> HttpResponse:
    family = _family(request, pk, "Chronology")
    can_add = families.can(request.user, Action.CHANGE, family)
    if request.method == "POST" and not can_add:
        raise Http404("No such record, or you do not have a reason to see it.")
    form = ManualEntryForm(posted(request), initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.add_manual_entry(actor=_user(request), family=family, **form.cleaned_data)
        messages.success(request, "Entry added to the chronology.")
        return redirect("episodes:chronology", family.pk)
    significant_only = request.GET.get("significant") == "1"
    entries = ChronologyEntry.objects.filter(family=family).select_related("recorded_by")
    if significant_only:
        entries = entries.filter(significant=True)
    return render(
        request,
        "episodes/chronology.html",
        _context(
            family,
            "chronology",
            entries=list(entries.order_by("-occurred_at", "-pk")[:500]),
            significant_only=significant_only,
            form=form if can_add else None,
        ),
    )


@require_http_methods(["GET", "POST"])
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    family = _family(request, pk, "Case notes")
    can_add = families.can(request.user, Action.CHANGE, family)
    if request.method == "POST" and not can_add:
        raise Http404("No such record, or you do not have a reason to see it.")
    form = CaseNoteForm(posted(request), initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.record_case_note(actor=_user(request), family=family, **form.cleaned_data)
        messages.success(request, "Case note recorded.")
        return redirect("episodes:notes", family.pk)
    return render(
        request,
        "episodes/notes.html",
        _context(
            family,
            "chronology",
            notes=list(CaseNote.objects.filter(family=family).select_related("recorded_by")[:200]),
            form=form if can_add else None,
        ),
    )


@require_http_methods(["GET", "POST"])
def engagement(request: HttpRequest, pk: int) -> HttpResponse:
    family = _family(request, pk, "Engagement attempts")
    can_add = families.can(request.user, Action.CHANGE, family)
    if request.method == "POST" and not can_add:
        raise Http404("No such record, or you do not have a reason to see it.")
    form = EngagementForm(posted(request), initial={"attempted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.record_engagement_attempt(actor=_user(request), family=family, **form.cleaned_data)
        messages.success(request, "Attempt recorded.")
        return redirect("episodes:engagement", family.pk)
    return render(
        request,
        "episodes/engagement.html",
        _context(
            family,
            "episode",
            attempts=list(
                EngagementAttempt.objects.filter(family=family).select_related("recorded_by")[:200]
            ),
            form=form if can_add else None,
        ),
    )


@require_http_methods(["GET", "POST"])
def supervision(request: HttpRequest, pk: int) -> HttpResponse:
    family = families.get_or_404(request.user, pk=pk)
    episode = services.current_episode(family)
    if not reads_supervision(request.user, episode):
        raise Http404("No such record, or you do not have a reason to see it.")
    can_add = manages(request.user, episode)
    if request.method == "POST" and not can_add:
        raise Http404("No such record, or you do not have a reason to see it.")
    _family(request, pk, "Supervision notes")
    form = SupervisionForm(posted(request), initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.record_supervision_note(actor=_user(request), family=family, **form.cleaned_data)
        messages.success(request, "Supervision note recorded.")
        return redirect("episodes:supervision", family.pk)
    return render(
        request,
        "episodes/supervision.html",
        _context(
            family,
            "episode",
            notes=list(
                SupervisionNote.objects.filter(family=family).select_related("recorded_by")[:200]
            ),
            form=form if can_add else None,
        ),
    )
