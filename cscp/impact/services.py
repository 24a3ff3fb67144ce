"""Writes for impact updates and escalations: the template, reporting cycles, drafting and reviewing updates,
and raising and deciding escalations.

Each service is keyword-only and atomic, validates (raising ValidationError keyed by field), locks the row it
transitions with `select_for_update()`, and writes an audit event with a dotted code. Views check who may act;
services check that the act makes sense now (an update is not submitted twice, an outcome waits for a decision)
through the guards in cscp.impact.guards, which the pages also ask before offering the button.

Impact updates are written by two people at once (a chair and a vice-chair). Every change raises the update's
`version`; a change made from an older version is refused with `UpdateChanged`, so nobody's text is silently
overwritten.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cscp import links
from cscp.actions.models import Action
from cscp.actions.services import action_create
from cscp.audit import record_event
from cscp.guards import refuse
from cscp.impact import guards
from cscp.impact.models import (
    DecisionKind,
    Escalation,
    EscalationDecision,
    EvidenceLink,
    ImpactTemplateSection,
    ImpactUpdate,
    ImpactUpdateAnswer,
    ImpactUpdateComment,
    ReportingCycle,
)
from cscp.limits import check_length, length_error
from cscp.links import is_safe_link
from cscp.models import Group, GroupMembership, Meeting, Person, Priority, Theme, current_q
from cscp.notifications import notify
from cscp.selectors import chairs_of

# What each page says when someone else saved the update since the person loaded it.
STALE_MESSAGE = (
    "Someone else changed this update while you were editing. Their text is shown below; your text is kept in "
    "the box – merge them and save again"
)
STALE_EVIDENCE_MESSAGE = (
    "Someone else changed this update while you were choosing evidence. Check your choices below and save again"
)
STALE_SUBMIT_MESSAGE = "Someone else changed this update since you checked it. Check your answers again, then submit"


class UpdateChanged(ValidationError):
    """The update was changed by someone else since the person loaded the form."""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _long_date(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def _given_text(value: str, field: str, message: str) -> str:
    """A required text, stripped; refused (beside `field`) when empty."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _required_text(value: str, field: str, message: str, errors: dict[str, str]) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    return value


def _tell(people, *, event: str, subject: str, url: str, body: str = "", besides: Person | None = None) -> None:
    """Tell each person (but `besides`, who acted) of an event, once: each notification's key is the event's with
    the person's."""
    for person in people:
        if besides is None or person.pk != besides.pk:
            notify(recipient=person, key=f"{event}:person.{person.pk}", subject=subject, body=body[:500], url=url)


def people_in_groups_of_kind(kind: str) -> list[Person]:
    """Everyone belonging today to an active group of this kind (the Board, the Business Group)."""
    return list(
        Person.objects.filter(
            is_active=True,
            group_memberships__in=GroupMembership.objects.filter(current_q(), group__kind=kind, group__is_active=True),
        )
        .distinct()
        .order_by("pk")
    )


# The agreed impact template.


def _section_values(title: str, hint: str) -> tuple[str, str]:
    title = _given_text(title, "title", "Enter the section's title")
    return title, (hint or "").strip()


def _check_one_escalation_section(section: ImpactTemplateSection) -> None:
    """At most one section in use holds the matters to escalate to the Board: an escalation raised from an update
    starts from its answer."""
    if not (section.is_escalation and section.is_active):
        return
    others = ImpactTemplateSection.objects.select_for_update().filter(is_active=True, is_escalation=True)
    other = others.exclude(pk=section.pk).order_by("order", "pk").first()
    if other is not None:
        raise ValidationError(
            {
                "is_escalation": f"Only one section can hold the matters to escalate to the Board: "
                f"untick it on “{other.title}” first"
            }
        )


@transaction.atomic
def impact_section_create(
    *,
    actor: Person,
    title: str,
    hint: str = "",
    is_required: bool = True,
    is_escalation: bool = False,
    request=None,
) -> ImpactTemplateSection:
    title, hint = _section_values(title, hint)
    last = ImpactTemplateSection.objects.select_for_update().aggregate(last=Max("order"))["last"] or 0
    section = ImpactTemplateSection(
        title=title, hint=hint, is_required=is_required, is_escalation=is_escalation, order=last + 1
    )
    _check_one_escalation_section(section)
    section.full_clean()
    section.save()
    record_event("impact.section.created", actor=actor, obj=section, request=request)
    return section


@transaction.atomic
def impact_section_update(
    *,
    actor: Person,
    section: ImpactTemplateSection,
    title: str,
    hint: str = "",
    is_required: bool = True,
    is_active: bool = True,
    is_escalation: bool = False,
    request=None,
) -> ImpactTemplateSection:
    """Change a section. Retiring one (not active) takes it out of updates not yet submitted; updates that
    answered it keep their answer."""
    title, hint = _section_values(title, hint)
    section = ImpactTemplateSection.objects.select_for_update().get(pk=section.pk)
    values = {
        "title": title,
        "hint": hint,
        "is_required": is_required,
        "is_active": is_active,
        "is_escalation": is_escalation,
    }
    changes = {
        name: [str(getattr(section, name)), str(value)]
        for name, value in values.items()
        if getattr(section, name) != value
    }
    for name, value in values.items():
        setattr(section, name, value)
    _check_one_escalation_section(section)
    section.full_clean()
    section.save()
    if changes:
        code = "retired" if changes.get("is_active") == ["True", "False"] else "updated"
        record_event(f"impact.section.{code}", actor=actor, obj=section, request=request, data={"changes": changes})
    return section


@transaction.atomic
def impact_section_move(*, actor: Person, section: ImpactTemplateSection, direction: str, request=None) -> None:
    """Move a section one place up or down the template, among the sections in use."""
    if direction not in ("up", "down"):
        raise ValidationError("Choose to move the section up or down")
    sections = list(ImpactTemplateSection.objects.select_for_update().filter(is_active=True).order_by("order", "pk"))
    positions = [s.pk for s in sections]
    if section.pk not in positions:
        raise ValidationError("Only sections in use can be moved: make this one active first")
    index = positions.index(section.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(sections):
        return
    sections[index], sections[other] = sections[other], sections[index]
    # Renumber from 1 so that gaps and ties left by earlier edits disappear; retired sections follow.
    for number, item in enumerate(sections, start=1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])
    record_event("impact.section.moved", actor=actor, obj=section, request=request, data={"direction": direction})


# Reporting cycles.


def _validate_cycle(
    *,
    cycle: ReportingCycle | None,
    title: str,
    board_meeting: Meeting | None,
    business_meeting: Meeting | None,
    due_date: datetime.date | None,
    groups: list[Group],
) -> str:
    errors: dict[str, str] = {}
    title = _required_text(title, "title", "Enter a title for the reporting cycle", errors)
    if board_meeting is None:
        errors["board_meeting"] = "Choose the Board meeting that will read these updates"
    elif board_meeting.group.kind != Group.Kind.BOARD:
        errors["board_meeting"] = "Choose a meeting of the Board"
    else:
        taken = ReportingCycle.objects.filter(board_meeting=board_meeting)
        if cycle is not None:
            taken = taken.exclude(pk=cycle.pk)
        clash = taken.first()
        if clash is not None:
            errors["board_meeting"] = (
                f"The Board meeting on {_long_date(board_meeting.date)} already has a reporting cycle "
                f"({clash.title}): choose another meeting"
            )
    if business_meeting is not None:
        if business_meeting.group.kind != Group.Kind.BUSINESS:
            errors["business_meeting"] = "Choose a meeting of the Business Group"
        elif board_meeting is not None and business_meeting.date > board_meeting.date:
            errors["business_meeting"] = (
                f"Choose a Business Group meeting on or before the Board meeting on {_long_date(board_meeting.date)}"
            )
    if due_date is None:
        errors["due_date"] = "Enter the date updates are due"
    elif "business_meeting" not in errors and "board_meeting" not in errors:
        if business_meeting is not None and due_date > business_meeting.date:
            errors["due_date"] = (
                "Enter a due date on or before the Business Group meeting on "
                f"{_long_date(business_meeting.date)}, so the group can read the updates first"
            )
        elif business_meeting is None and board_meeting is not None and due_date > board_meeting.date:
            errors["due_date"] = (
                f"Enter a due date on or before the Board meeting on {_long_date(board_meeting.date)}, "
                "so the Board can read the updates first"
            )
    if not groups:
        errors["groups"] = "Choose at least one group that must report"
    elif cycle is not None:
        kept = {g.pk for g in groups}
        started = [u.group.name for u in cycle.updates.select_related("group") if u.group_id not in kept]
        if started:
            errors["groups"] = (
                f"Keep {', '.join(sorted(started))} in this cycle: "
                f"{'it has' if len(started) == 1 else 'they have'} started an update"
            )
    if errors:
        raise ValidationError(errors)
    return title


@transaction.atomic
def reporting_cycle_create(
    *,
    actor: Person,
    title: str,
    board_meeting: Meeting,
    due_date: datetime.date,
    groups: Iterable[Group],
    business_meeting: Meeting | None = None,
    request=None,
) -> ReportingCycle:
    groups = list(groups)
    title = _validate_cycle(
        cycle=None,
        title=title,
        board_meeting=board_meeting,
        business_meeting=business_meeting,
        due_date=due_date,
        groups=groups,
    )
    cycle = ReportingCycle(
        title=title, board_meeting=board_meeting, business_meeting=business_meeting, due_date=due_date
    )
    return _save_cycle(cycle=cycle, groups=groups, actor=actor, request=request, verb="created")


def _save_cycle(*, cycle: ReportingCycle, groups: list[Group], actor: Person, request, verb: str) -> ReportingCycle:
    try:
        with transaction.atomic():
            cycle.save()
    except IntegrityError as exc:
        # Another admin gave the same Board meeting a cycle a moment ago.
        raise ValidationError(
            {"board_meeting": "This Board meeting already has a reporting cycle: choose another meeting"}
        ) from exc
    cycle.groups.set(groups)
    record_event(
        f"impact.reporting_cycle.{verb}",
        actor=actor,
        obj=cycle,
        request=request,
        data={"groups": sorted(g.pk for g in groups), "due_date": cycle.due_date.isoformat()},
    )
    return cycle


@transaction.atomic
def reporting_cycle_update(
    *,
    actor: Person,
    cycle: ReportingCycle,
    title: str,
    board_meeting: Meeting,
    due_date: datetime.date,
    groups: Iterable[Group],
    business_meeting: Meeting | None = None,
    request=None,
) -> ReportingCycle:
    cycle = ReportingCycle.objects.select_for_update().get(pk=cycle.pk)
    groups = list(groups)
    title = _validate_cycle(
        cycle=cycle,
        title=title,
        board_meeting=board_meeting,
        business_meeting=business_meeting,
        due_date=due_date,
        groups=groups,
    )
    cycle.title, cycle.board_meeting, cycle.business_meeting, cycle.due_date = (
        title,
        board_meeting,
        business_meeting,
        due_date,
    )
    return _save_cycle(cycle=cycle, groups=groups, actor=actor, request=request, verb="updated")


# Drafting an update.


@transaction.atomic
def impact_update_start(*, actor: Person, cycle: ReportingCycle, group: Group, request=None) -> ImpactUpdate:
    """Start the group's update for the cycle (its chair pressed "Start the update"). Starting it again returns the
    same update."""
    if not cycle.groups.filter(pk=group.pk).exists():
        raise ValidationError(f"{group} is not due to report in {cycle}")
    existing = ImpactUpdate.objects.filter(cycle=cycle, group=group).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            update = ImpactUpdate.objects.create(cycle=cycle, group=group, updated_by=actor)
    except IntegrityError:
        # The chair and vice-chair started it at the same moment: both work on the one update.
        return ImpactUpdate.objects.get(cycle=cycle, group=group)
    record_event("impact.update.started", actor=actor, obj=update, request=request)
    return update


def _lock_update(update: ImpactUpdate) -> ImpactUpdate:
    return ImpactUpdate.objects.select_for_update().select_related("cycle", "group").get(pk=update.pk)


def _check_version(update: ImpactUpdate, version, field: str | None = None, message: str = STALE_MESSAGE) -> None:
    try:
        matches = int(version) == update.version
    except (TypeError, ValueError):
        matches = False
    if not matches:
        raise UpdateChanged({field: message} if field else message)


def _touch(update: ImpactUpdate, actor: Person, *extra_fields: str) -> None:
    update.version += 1
    update.updated_at = timezone.now()
    update.updated_by = actor
    update.save(update_fields=["version", "updated_at", "updated_by", *extra_fields])


@transaction.atomic
def impact_update_save_section(
    *,
    actor: Person,
    update: ImpactUpdate,
    section: ImpactTemplateSection,
    text: str,
    version: int,
    completed: bool = True,
    request=None,
) -> ImpactUpdateAnswer:
    """Save one section's answer. `completed` is False for "Save and come back later"; "Save and continue" needs
    an answer to a required section."""
    locked = _lock_update(update)
    refuse(guards.update_edit_blocked(locked))
    _check_version(locked, version, "text")
    if not section.is_active:
        raise ValidationError({"text": "This section is no longer part of the impact template"})
    text = (text or "").strip()
    if completed and section.is_required and not text:
        # "Save and continue" on an empty required section says so beside the box ("Save and come back later"
        # keeps it empty, in progress).
        raise ValidationError({"text": guards.missing_section_message(section)})
    check_length(ImpactUpdateAnswer, "text", text)
    answer, _ = ImpactUpdateAnswer.objects.get_or_create(update=locked, section=section)
    answer.text = text
    answer.is_complete = bool(completed and text)
    answer.save()
    _touch(locked, actor)
    update.version, update.updated_at, update.updated_by = locked.version, locked.updated_at, actor
    record_event(
        "impact.update.section_saved",
        actor=actor,
        obj=locked,
        request=request,
        data={"section": section.pk, "completed": bool(completed and text), "version": locked.version},
    )
    return answer


def _check_evidence_url(url: str) -> str:
    url = (url or "").strip()
    if not is_safe_link(url):
        raise ValidationError({"link_url": links.MESSAGE})
    return url


@transaction.atomic
def impact_update_set_evidence(
    *,
    actor: Person,
    update: ImpactUpdate,
    version: int,
    actions: Iterable[Action],
    remove_links: Iterable[EvidenceLink] = (),
    link_title: str = "",
    link_url: str = "",
    request=None,
) -> ImpactUpdate:
    """Choose the group's actions that evidence the update, remove links, and add a link to other evidence."""
    locked = _lock_update(update)
    refuse(guards.update_edit_blocked(locked))
    _check_version(locked, version, message=STALE_EVIDENCE_MESSAGE)
    actions = list(actions)
    if any(action.owner_group_id != locked.group_id for action in actions):
        raise ValidationError({"actions": f"Choose actions owned by {locked.group}"})
    link_title, link_url = (link_title or "").strip(), (link_url or "").strip()
    if link_title or link_url:
        errors = {}
        if not link_title:
            errors["link_title"] = "Enter a title for the link"
        if not link_url:
            errors["link_url"] = "Enter the web address of the evidence"
        else:
            try:
                link_url = _check_evidence_url(link_url)
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
        if errors:
            raise ValidationError(errors)
    remove_ids = [link.pk for link in remove_links if link.update_id == locked.pk]
    before = set(locked.actions.values_list("pk", flat=True))
    locked.actions.set(actions)
    removed = EvidenceLink.objects.filter(update=locked, pk__in=remove_ids).delete()[0] if remove_ids else 0
    added = None
    if link_title:
        added = EvidenceLink.objects.create(update=locked, kind="link", title=link_title[:300], url=link_url[:500])
    _touch(locked, actor)
    update.version = locked.version
    record_event(
        "impact.update.evidence_changed",
        actor=actor,
        obj=locked,
        request=request,
        data={
            "actions_added": sorted({a.pk for a in actions} - before),
            "actions_removed": sorted(before - {a.pk for a in actions}),
            "links_removed": removed,
            "link_added": added.pk if added else None,
        },
    )
    return locked


@transaction.atomic
def evidence_link_add(
    *, update: ImpactUpdate, kind: str, title: str, url: str, actor: Person | None = None, request=None
) -> EvidenceLink:
    """Link evidence held elsewhere in the product (an indicator, an audit) to an update.

    For other apps to call. It does not raise the update's version: a link added alongside someone's
    drafting loses nobody's text."""
    errors = {}
    title = _required_text(title, "title", "Enter a title for the evidence", errors)
    if not (kind or "").strip():
        errors["kind"] = "Say what kind of evidence this is, for example indicator"
    try:
        url = _check_evidence_url(url)
    except ValidationError:
        errors["url"] = links.MESSAGE
    if errors:
        raise ValidationError(errors)
    link = EvidenceLink.objects.create(update=update, kind=kind.strip()[:50], title=title[:300], url=url[:500])
    record_event(
        "impact.update.evidence_linked",
        actor=actor,
        obj=update,
        request=request,
        data={"link": link.pk, "kind": link.kind},
    )
    return link


@transaction.atomic
def impact_update_submit(*, actor: Person, update: ImpactUpdate, version: int, request=None) -> ImpactUpdate:
    """Submit the update to the Business Group. Refused, keyed `section-<pk>`, while a required section is empty."""
    locked = _lock_update(update)
    blocked = guards.update_submit_blocked(locked)
    if blocked == guards.ANSWER_REQUIRED_SECTIONS:
        # Beside each empty section, as the page that checks the answers shows them.
        missing = guards.missing_required_sections(locked)
        raise ValidationError({f"section-{section.pk}": guards.missing_section_message(section) for section in missing})
    refuse(blocked)
    _check_version(locked, version, message=STALE_SUBMIT_MESSAGE)
    resubmission = locked.status == ImpactUpdate.Status.CHANGES_REQUESTED
    # The submitted update keeps an answer to every section of the template as it stood, so it reads the same
    # after the template changes.
    for section in ImpactTemplateSection.objects.filter(is_active=True):
        ImpactUpdateAnswer.objects.get_or_create(update=locked, section=section)
    locked.status = ImpactUpdate.Status.SUBMITTED
    # The first submission is what decides whether the update was on time; a revision does not move it.
    if locked.submitted_at is None:
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
    _touch(locked, actor, "status", "submitted_at", "submitted_by")
    record_event(
        "impact.update.resubmitted" if resubmission else "impact.update.submitted",
        actor=actor,
        obj=locked,
        request=request,
        data={"version": locked.version},
    )
    url = reverse("impact:update-detail", args=[locked.pk])
    verb = "resubmitted" if resubmission else "submitted"
    _tell(
        people_in_groups_of_kind(Group.Kind.BUSINESS),
        event=f"impact.update.{locked.pk}.{verb}.v{locked.version}",
        subject=f"{locked.group} has {verb} its {_lower_first(locked.cycle.update_title)}",
        body=f"{actor} {verb} the update. Read it, comment, and acknowledge it or ask for changes.",
        url=url,
    )
    return locked


# Reviewing an update.


@transaction.atomic
def impact_update_comment(*, actor: Person, update: ImpactUpdate, text: str, request=None) -> ImpactUpdateComment:
    text = _given_text(text, "text", "Enter your comment")
    check_length(ImpactUpdateComment, "text", text)
    refuse(guards.update_comment_blocked(update))
    comment = ImpactUpdateComment.objects.create(update=update, author=actor, text=text)
    record_event("impact.update.commented", actor=actor, obj=update, request=request, data={"comment": comment.pk})
    url = reverse("impact:update-detail", args=[update.pk])
    _tell(
        chairs_of(update.group),
        event=f"impact.update.{update.pk}.comment.{comment.pk}",
        subject=f"{actor} commented on {update.group}'s impact update",
        body=text,
        url=url,
        besides=actor,
    )
    return comment


@transaction.atomic
def impact_update_request_changes(*, actor: Person, update: ImpactUpdate, text: str, request=None) -> ImpactUpdate:
    """Send the update back to its group with what to change; its chair and vice-chair are told."""
    text = _given_text(text, "text", "Enter what the group should change")
    check_length(ImpactUpdateComment, "text", text)
    locked = _lock_update(update)
    refuse(guards.update_request_changes_blocked(locked))
    locked.status = ImpactUpdate.Status.CHANGES_REQUESTED
    _touch(locked, actor, "status")
    ImpactUpdateComment.objects.create(
        update=locked, author=actor, kind=ImpactUpdateComment.Kind.CHANGES_REQUESTED, text=text
    )
    record_event("impact.update.changes_requested", actor=actor, obj=locked, request=request)
    url = reverse("impact:update-edit", args=[locked.cycle_id, locked.group_id])
    _tell(
        chairs_of(locked.group),
        event=f"impact.update.{locked.pk}.changes_requested.v{locked.version}",
        subject=f"The Business Group has asked for changes to {locked.group}'s impact update",
        body=text,
        url=url,
    )
    return locked


@transaction.atomic
def impact_update_acknowledge(*, actor: Person, update: ImpactUpdate, text: str = "", request=None) -> ImpactUpdate:
    locked = _lock_update(update)
    refuse(guards.update_acknowledge_blocked(locked))
    locked.status = ImpactUpdate.Status.ACKNOWLEDGED
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = actor
    _touch(locked, actor, "status", "acknowledged_at", "acknowledged_by")
    ImpactUpdateComment.objects.create(
        update=locked,
        author=actor,
        kind=ImpactUpdateComment.Kind.ACKNOWLEDGEMENT,
        text=(text or "").strip() or "Acknowledged on behalf of the Business Group.",
    )
    record_event("impact.update.acknowledged", actor=actor, obj=locked, request=request)
    url = reverse("impact:update-detail", args=[locked.pk])
    _tell(
        chairs_of(locked.group),
        event=f"impact.update.{locked.pk}.acknowledged",
        subject=f"The Business Group has acknowledged {locked.group}'s impact update",
        url=url,
    )
    return locked


# Escalations.


@transaction.atomic
def escalation_raise(
    *,
    actor: Person,
    group: Group,
    title: str,
    concern: str,
    evidence: str,
    ask: str,
    source: str = Escalation.Source.DIRECT,
    source_label: str = "",
    source_url: str = "",
    impact_update: ImpactUpdate | None = None,
    board_meeting: Meeting | None = None,
    priority: Priority | None = None,
    themes: Iterable[Theme] = (),
    request=None,
) -> Escalation:
    """Raise a concern with the Board in a group's name. Other apps call this too (a scorecard raises one from
    an indicator with source="indicator" and a label and link back to it). The Board's members are told."""
    errors: dict[str, str] = {}
    title = _required_text(title, "title", "Enter a title for the escalation", errors)
    concern = _required_text(concern, "concern", "Enter the concern", errors)
    evidence = _required_text(evidence, "evidence", "Enter the evidence for the concern", errors)
    ask = _required_text(ask, "ask", "Enter what you are asking the Board to do", errors)
    if len(title) > 300:
        errors["title"] = "Enter a title of 300 characters or fewer"
    if group is None:
        errors["group"] = "Choose the group raising the escalation"
    if source not in Escalation.Source.values:
        errors["source"] = "Choose where the escalation comes from"
    if board_meeting is not None and board_meeting.group.kind != Group.Kind.BOARD:
        errors["board_meeting"] = "Choose a meeting of the Board"
    if source_url:
        try:
            source_url = _check_evidence_url(source_url)
        except ValidationError:
            errors["source_url"] = "Give a link to a page of this service, or a web address starting with https://"
    if impact_update is not None:
        if group is not None and impact_update.group_id != group.pk:
            errors["group"] = f"An escalation from {impact_update.group}'s update is raised by that group"
        source = Escalation.Source.IMPACT_UPDATE
        source_label = source_label or f"Impact update: {impact_update}"
        source_url = source_url or reverse("impact:update-detail", args=[impact_update.pk])
    if errors:
        raise ValidationError(errors)
    escalation = Escalation(
        title=title,
        concern=concern,
        evidence=evidence,
        ask=ask,
        raised_by_group=group,
        raised_by=actor,
        source=source,
        source_label=(source_label or "")[:300],
        source_url=(source_url or "")[:500],
        impact_update=impact_update,
        board_meeting=board_meeting,
        priority=priority,
    )
    escalation.full_clean()
    escalation.save()
    escalation.themes.set(list(themes))
    record_event(
        "impact.escalation.raised",
        actor=actor,
        obj=escalation,
        request=request,
        data={"group": group.pk, "source": source},
    )
    url = reverse("impact:escalation-detail", args=[escalation.pk])
    _tell(
        people_in_groups_of_kind(Group.Kind.BOARD),
        event=f"impact.escalation.{escalation.pk}.raised",
        subject=f"{group} has escalated a concern to the Board: {title}",
        body=ask,
        url=url,
    )
    return escalation


def _lock_escalation(escalation: Escalation) -> Escalation:
    return Escalation.objects.select_for_update().select_related("raised_by_group").get(pk=escalation.pk)


def _meeting_held(meeting: Meeting, today: datetime.date) -> Meeting:
    """The Board meeting that decided: the one the escalation awaited, or (when that one passed without minuting
    it) the latest Board meeting since, up to today."""
    return (
        Meeting.objects.filter(group__kind=Group.Kind.BOARD, date__gte=meeting.date, date__lte=today)
        .order_by("-date", "-pk")
        .first()
        or meeting
    )


@transaction.atomic
def escalation_decide(
    *,
    actor: Person,
    escalation: Escalation,
    kind: str,
    rationale: str,
    deferred_to: Meeting | None = None,
    referred_to: Group | None = None,
    request=None,
) -> Escalation:
    """Minute the Board's decision on an escalation, on or after the day of the meeting that took it: agreed,
    declined, referred to a group, or deferred to a later Board meeting (when it awaits a decision again, there, and
    that meeting's pack shows it). Each decision is kept as a minute (EscalationDecision); the raising group's chairs
    are told."""
    locked = _lock_escalation(escalation)
    today = timezone.localdate()
    refuse(guards.escalation_decide_blocked(locked, today))
    held = _meeting_held(guards.decision_meeting(locked), today)
    errors: dict[str, str] = {}
    rationale = _required_text(rationale, "rationale", "Enter the reason for the Board's decision", errors)
    if rationale and (too_long := length_error(EscalationDecision, "rationale", rationale)):
        errors["rationale"] = too_long
    if kind not in DecisionKind.values:
        errors["kind"] = "Choose what the Board decided"
    if kind == DecisionKind.DEFERRED:
        if deferred_to is None:
            errors["deferred_to"] = "Choose the Board meeting the escalation is deferred to"
        elif deferred_to.group.kind != Group.Kind.BOARD:
            errors["deferred_to"] = "Choose a meeting of the Board"
        elif deferred_to.date <= max(today, held.date):
            errors["deferred_to"] = "Choose a Board meeting still to come"
    if kind == DecisionKind.REFERRED and referred_to is None:
        errors["referred_to"] = "Choose the group the escalation is referred to"
    if errors:
        raise ValidationError(errors)
    deferred = kind == DecisionKind.DEFERRED
    minute = EscalationDecision.objects.create(
        escalation=locked,
        meeting=held,
        kind=kind,
        rationale=rationale,
        deferred_to=deferred_to if deferred else None,
        referred_to=referred_to if kind == DecisionKind.REFERRED else None,
        recorded_by=actor,
    )
    if deferred:
        locked.board_meeting = deferred_to
        locked.save(update_fields=["board_meeting"])
        when = _long_date(deferred_to.date)
        subject = (
            f"The Board has deferred {locked.raised_by_group}'s escalation to its meeting on {when}: {locked.title}"
        )
    else:
        locked.status = Escalation.Status.DECIDED
        locked.decision_kind = kind
        locked.decision = rationale
        locked.referred_to = minute.referred_to
        locked.decided_at = minute.recorded_at
        locked.decided_by = actor
        locked.board_meeting = held
        locked.save(
            update_fields=[
                "status",
                "decision_kind",
                "decision",
                "referred_to",
                "decided_at",
                "decided_by",
                "board_meeting",
            ]
        )
        verb = {
            DecisionKind.AGREED: "agreed",
            DecisionKind.DECLINED: "declined",
            DecisionKind.REFERRED: f"referred to {minute.referred_to}",
        }[kind]
        subject = f"The Board has decided on {locked.raised_by_group}'s escalation ({verb}): {locked.title}"
    record_event(
        f"impact.escalation.{'deferred' if deferred else 'decided'}",
        actor=actor,
        obj=locked,
        request=request,
        message=rationale[:500],
        data={
            "decision": minute.pk,
            "kind": kind,
            "meeting": held.pk,
            "deferred_to": minute.deferred_to_id,
            "referred_to": minute.referred_to_id,
        },
    )
    _tell(
        chairs_of(locked.raised_by_group),
        event=f"impact.escalation.{locked.pk}.decision.{minute.pk}",
        subject=subject,
        body=rationale,
        url=reverse("impact:escalation-detail", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def escalation_record_outcome(*, actor: Person, escalation: Escalation, outcome: str, request=None) -> Escalation:
    """Record what came of the Board's decision, which closes the escalation."""
    outcome = _given_text(outcome, "outcome", "Enter the outcome")
    check_length(Escalation, "outcome", outcome)
    locked = _lock_escalation(escalation)
    refuse(guards.escalation_outcome_blocked(locked))
    locked.status = Escalation.Status.CLOSED
    locked.outcome = outcome
    locked.outcome_recorded_at = timezone.now()
    locked.outcome_recorded_by = actor
    locked.save(update_fields=["status", "outcome", "outcome_recorded_at", "outcome_recorded_by"])
    record_event("impact.escalation.closed", actor=actor, obj=locked, request=request)
    url = reverse("impact:escalation-detail", args=[locked.pk])
    _tell(
        chairs_of(locked.raised_by_group),
        event=f"impact.escalation.{locked.pk}.closed",
        subject=f"The outcome of {locked.raised_by_group}'s escalation has been recorded: {locked.title}",
        body=outcome,
        url=url,
    )
    return locked


@transaction.atomic
def escalation_action_raise(*, actor: Person, escalation: Escalation, request=None, **values) -> Action:
    """Raise an action from an escalation: one in the tracker (through `action_create`, like every action), kept
    with the escalation it came from."""
    locked = _lock_escalation(escalation)
    refuse(guards.escalation_action_blocked(locked))
    # Whatever the form said, the action's source is this escalation, and its link leads back to it.
    values["source"] = Action.Source.ESCALATION
    values["source_url"] = reverse("impact:escalation-detail", args=[locked.pk])
    values["source_reference"] = values.get("source_reference") or locked.title[:300]
    action = action_create(actor=actor, request=request, **values)
    locked.actions.add(action)
    record_event(
        "impact.escalation.action_raised",
        actor=actor,
        obj=locked,
        request=request,
        message=f"{action.reference}: {action.title}",
        data={"action": action.pk},
    )
    return action
