"""Writes for the one action tracker: every recommendation and action, whatever raised it.

Every part of the product that makes actions (escalations, practice reviews, scrutiny, audits, Section 11)
creates them through `action_create`, so they all get a reference, an owner and a due date checked the same way.
Each transition is its own guarded service: raised → progress notes → completed (with evidence) → signed off by
the owning group → impact tested; or closed at any point with a reason, and reopened.

Each service is keyword-only and atomic, locks the action it moves (`select_for_update`), raises ValidationError
keyed by field with a message that says what to do, and writes an audit event `actions.action.<verb>` whose data
holds what changed. django-simple-history keeps every version of the row, with who and why.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cscp import limits
from cscp.actions import guards
from cscp.actions.models import Action, ActionNote
from cscp.audit import record_event
from cscp.guards import refuse
from cscp.limits import length_error
from cscp.links import is_safe_link
from cscp.models import Agency, Group, Person, Priority
from cscp.notifications import notify
from cscp.selectors import chairs_of
from cscp.uploads import EVIDENCE_KINDS, check_upload

REFERENCE_PREFIX = "A-"
# Tries at a fresh reference when another request took the one we chose at the same moment.
REFERENCE_ATTEMPTS = 10

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

# The fields `action_update` may change. Stage, progress and the completion, sign-off and impact fields move
# only through their own services.
EDITABLE_FIELDS = (
    "title",
    "description",
    "source",
    "source_reference",
    "source_url",
    "owner_group",
    "owner_agency",
    "owner_person",
    "raised_on",
    "due_date",
    "priority",
    "themes",
)

FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "source": "Source",
    "source_reference": "Source reference",
    "source_url": "Link to the source",
    "owner_group": "Owner group",
    "owner_agency": "Owner agency",
    "owner_person": "Named owner",
    "raised_on": "Date raised",
    "due_date": "Due date",
    "priority": "Business plan priority",
    "themes": "Themes",
    "progress": "Progress",
    "stage": "Stage",
}


def _display(value: Any) -> str:
    """A value as people read it, for the audit trail."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return date_format(value)
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)


def _today() -> datetime.date:
    return timezone.localdate()


def _check_details(values: dict[str, Any], *, changed: set[str] | None = None) -> None:
    """The rules every action keeps, however it was raised or changed. `changed` names the fields being changed
    (None when raising): an owner who has since left may stay on an action, but nobody may newly name them."""

    def changing(name: str) -> bool:
        return changed is None or name in changed

    errors: dict[str, str] = {}
    if not (values.get("title") or "").strip():
        errors["title"] = "Enter the action"
    if values.get("source") not in Action.Source.values:
        errors["source"] = "Choose where the action came from"
    group: Group | None = values.get("owner_group")
    agency: Agency | None = values.get("owner_agency")
    person: Person | None = values.get("owner_person")
    if group is None and agency is None:
        errors["owner_group"] = "Choose the group or the agency that owns this action"
    # Reassigning an action to a group or agency that has been wound up would leave nobody to answer for it.
    if group is not None and not group.is_active and changing("owner_group"):
        errors["owner_group"] = f"{group} is no longer active: choose an active group"
    if agency is not None and not agency.is_active and changing("owner_agency"):
        errors["owner_agency"] = f"{agency} is no longer active: choose an active agency"
    if person is not None and changing("owner_person") and not person.is_active:
        errors["owner_person"] = f"{person} can no longer sign in: choose a person who is active"
    raised_on: datetime.date | None = values.get("raised_on")
    due_date: datetime.date | None = values.get("due_date")
    if raised_on is None:
        errors["raised_on"] = "Enter the date the action was raised"
    elif raised_on > _today():
        errors["raised_on"] = "Enter a date raised that is today or in the past"
    if due_date is None:
        errors["due_date"] = "Enter the date the action is due"
    elif raised_on is not None and due_date < raised_on:
        errors["due_date"] = "Enter a due date on or after the date the action was raised"
    if values.get("source_url") and not is_safe_link(values["source_url"]):
        errors["source_url"] = "Enter a link to a page in this service (starting with /) or a web address"
    if errors:
        raise ValidationError(errors)


def _next_reference() -> str:
    """One more than the highest "A-" reference so far ("A-0042" → "A-0043"; past "A-9999" they grow longer)."""
    last = (
        Action.objects.filter(reference__regex=r"^A-[0-9]+$")
        .annotate(reference_length=Length("reference"))
        .order_by("-reference_length", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last[len(REFERENCE_PREFIX) :]) + 1 if last else 1
    return f"{REFERENCE_PREFIX}{number:04d}"


def _save(action: Action, *, actor: Person | None, reason: str, fields: Iterable[str] | None = None) -> None:
    """Save with who and why, for the action's history."""
    action.updated_at = timezone.now()
    action._change_reason = reason
    if actor is not None and getattr(actor, "is_authenticated", False):
        action._history_user = actor
    if fields is None:
        action.save()
    else:
        action.save(update_fields=[*fields, "updated_at"])


def _lock(action: Action) -> Action:
    return Action.objects.select_for_update().get(pk=action.pk)


def action_url(action: Action) -> str:
    return reverse("actions:detail", args=[action.pk])


def _tell_owner(action: Action, *, actor: Person) -> None:
    """Tell the named owner, once for each action they are named on, unless they named themselves."""
    person = action.owner_person
    if person is None or person.pk == getattr(actor, "pk", None):
        return
    notify(
        recipient=person,
        key=f"actions.action.{action.pk}.named-owner:person.{person.pk}",
        subject=f"You are the named owner of action {action.reference}",
        body=f"{action.title}\n\nDue {date_format(action.due_date)}.",
        url=action_url(action),
    )


def _check_actor_may(actor: Person, perm: str, action: Action) -> None:
    if not actor.has_perm(perm, action):
        raise PermissionDenied


def _check_may_reassign(actor: Person, action: Action, group: Group | None) -> None:
    """What raising checks, checked again when an edit changes the owner: the person answers for the action now,
    and may raise actions for the group it is moved to."""
    _check_actor_may(actor, "actions.reassign_action", action)
    if (
        group is not None
        and group.pk != action.owner_group_id
        and not actor.has_perm("actions.raise_action_for_group", group)
    ):
        raise ValidationError({"owner_group": "Choose a group you chair: only its chairs may give it actions"})


# Raising and changing.


@transaction.atomic
def action_create(
    *,
    actor: Person | None,
    title: str,
    due_date: datetime.date,
    source: str,
    owner_group: Group | None = None,
    owner_agency: Agency | None = None,
    owner_person: Person | None = None,
    description: str = "",
    source_reference: str = "",
    source_url: str = "",
    priority: Priority | None = None,
    themes: Iterable = (),
    raised_on: datetime.date | None = None,
    request=None,
) -> Action:
    """Raise an action. The one way every part of the product creates one, whatever its source.

    Refuses a due date before the date raised, an action with neither an owning group nor an owning agency, and a
    named owner who can no longer sign in. The reference ("A-0001") is the next free one; when two people raise
    actions at the same moment, the second takes the number after.
    """
    values = {
        "title": (title or "").strip(),
        "description": (description or "").strip(),
        "source": source,
        "source_reference": (source_reference or "").strip(),
        "source_url": (source_url or "").strip(),
        "owner_group": owner_group,
        "owner_agency": owner_agency,
        "owner_person": owner_person,
        "raised_on": raised_on or _today(),
        "due_date": due_date,
        "priority": priority,
    }
    _check_details(values)
    action = Action(**values, raised_by=actor if getattr(actor, "is_authenticated", False) else None)
    action.full_clean(exclude=["reference"], validate_unique=False, validate_constraints=False)
    for _attempt in range(REFERENCE_ATTEMPTS):
        action.reference = _next_reference()
        try:
            with transaction.atomic():
                _save(action, actor=actor, reason="Raised")
        except IntegrityError:
            if not Action.objects.filter(reference=action.reference).exists():
                raise
            action.pk = None
            action._state.adding = True
            continue
        break
    else:
        raise ValidationError("Someone else raised an action at the same moment: try again")
    themes = list(themes)
    if themes:
        action.themes.set(themes)
    record_event(
        "actions.action.created",
        actor=actor,
        obj=action,
        request=request,
        message=action.title,
        data={
            "reference": action.reference,
            "source": action.source,
            "owner_group": _display(owner_group),
            "owner_agency": _display(owner_agency),
            "owner_person": _display(owner_person),
            "due_date": action.due_date.isoformat(),
        },
    )
    _tell_owner(action, actor=actor)
    return action


@transaction.atomic
def action_update(*, actor: Person, action: Action, values: dict[str, Any], request=None) -> Action:
    """Change an action's details: what it is, where it came from, who owns it and when it is due."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"action_update cannot change {sorted(unknown)}: each stage has its own service")
    _check_actor_may(actor, "actions.change_action", action)
    action = _lock(action)
    refuse(guards.change_blocked(action))
    values = dict(values)
    for name in ("title", "description", "source_reference", "source_url"):
        if name in values:
            values[name] = (values[name] or "").strip()
    themes = values.pop("themes", None)
    merged = {name: getattr(action, name) for name in EDITABLE_FIELDS if name != "themes"} | values
    changed = {name for name, value in values.items() if getattr(action, name) != value}
    if changed & {"owner_group", "owner_agency"}:
        _check_may_reassign(actor, action, values.get("owner_group", action.owner_group))
    _check_details(merged, changed=changed)

    changes: dict[str, list[str]] = {}
    for name in sorted(changed):
        changes[FIELD_LABELS[name]] = [_display(getattr(action, name)), _display(values[name])]
        setattr(action, name, values[name])
    if themes is not None:
        before = set(action.themes.all())
        after = set(themes)
        if before != after:
            changes[FIELD_LABELS["themes"]] = [_display(before), _display(after)]
    if not changes:
        return action
    action.full_clean(exclude=["reference"], validate_unique=False, validate_constraints=False)
    _save(action, actor=actor, reason="Details changed")
    if themes is not None:
        action.themes.set(themes)
    record_event("actions.action.updated", actor=actor, obj=action, request=request, data={"changes": changes})
    if "owner_person" in changed:
        _tell_owner(action, actor=actor)
    return action


@transaction.atomic
def action_note_add(
    *,
    actor: Person,
    action: Action,
    text: str,
    progress: str = "",
    noted_on: datetime.date | None = None,
    request=None,
) -> ActionNote:
    """Add a dated progress note. A progress of not started, on track or at risk becomes the action's progress."""
    _check_actor_may(actor, "actions.change_action", action)
    action = _lock(action)
    noted_on = noted_on or _today()
    text = (text or "").strip()
    refuse(guards.note_blocked(action))
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "Enter the progress note"
    elif too_long := length_error(ActionNote, "text", text):
        errors["text"] = too_long
    if progress and progress not in Action.Progress.values:
        errors["progress"] = "Choose not started, on track or at risk"
    elif progress and action.stage != Action.Stage.OPEN:
        errors["progress"] = "This action is no longer open: leave its progress as it is"
    if noted_on > _today():
        errors["noted_on"] = "Enter a date that is today or in the past"
    elif noted_on < action.raised_on:
        errors["noted_on"] = "Enter a date on or after the date the action was raised"
    if errors:
        raise ValidationError(errors)
    note = ActionNote.objects.create(action=action, author=actor, noted_on=noted_on, progress=progress, text=text)
    data: dict[str, Any] = {"note": note.pk, "noted_on": noted_on.isoformat()}
    if progress and progress != action.progress:
        data["changes"] = {
            "Progress": [Action.Progress(action.progress).label, Action.Progress(progress).label],
        }
        action.progress = progress
        _save(action, actor=actor, reason="Progress note added", fields=["progress"])
    else:
        _save(action, actor=actor, reason="Progress note added", fields=[])
    record_event("actions.action.note_added", actor=actor, obj=action, request=request, message=text[:500], data=data)
    return note


# Completing, signing off and testing the impact.


@transaction.atomic
def action_complete(
    *,
    actor: Person,
    action: Action,
    completed_on: datetime.date,
    evidence: str,
    evidence_file: File | None = None,
    request=None,
) -> Action:
    """Mark an open action complete, with evidence of what was done (and, optionally, a file of it)."""
    _check_actor_may(actor, "actions.change_action", action)
    action = _lock(action)
    refuse(guards.complete_blocked(action))
    evidence = (evidence or "").strip()
    errors: dict[str, str] = {}
    if completed_on is None:
        errors["completed_on"] = "Enter the date the action was completed"
    elif completed_on > _today():
        errors["completed_on"] = "Enter a completion date that is today or in the past"
    elif completed_on < action.raised_on:
        errors["completed_on"] = "Enter a completion date on or after the date the action was raised"
    if not evidence:
        errors["evidence"] = "Describe the evidence that the action is complete"
    elif too_long := length_error(Action, "completion_evidence", evidence):
        errors["evidence"] = too_long
    if evidence_file is not None:
        refused = check_upload(
            evidence_file,
            kinds=EVIDENCE_KINDS,
            max_bytes=MAX_EVIDENCE_BYTES,
            kinds_in_words="a PDF, a document, a spreadsheet, a presentation or an image",
        )
        if refused:
            errors["evidence_file"] = refused
    if errors:
        raise ValidationError(errors)
    action.stage = Action.Stage.COMPLETED
    action.completed_on = completed_on
    action.completed_by = actor
    action.completion_evidence = evidence
    if evidence_file is not None:
        action.evidence_file.save(os.path.basename(evidence_file.name), evidence_file, save=False)
    _save(action, actor=actor, reason="Completed")
    record_event(
        "actions.action.completed",
        actor=actor,
        obj=action,
        request=request,
        message=evidence[:500],
        data={"completed_on": completed_on.isoformat(), "file": action.evidence_file.name or ""},
    )
    stamp = int(timezone.now().timestamp())
    for chair in chairs_of(action.owner_group_id):
        if chair.pk == actor.pk:
            continue
        notify(
            recipient=chair,
            key=f"actions.action.{action.pk}.awaiting-sign-off.{stamp}:person.{chair.pk}",
            subject=f"Action {action.reference} is complete and waiting for your sign-off",
            body=action.title,
            url=action_url(action),
        )
    return action


@transaction.atomic
def action_sign_off(*, actor: Person, action: Action, request=None) -> Action:
    """Someone other than the person who completed it (the owning group's other chair or vice-chair, a Business
    Group member or an admin) accepts the evidence that the action is done."""
    _check_actor_may(actor, "actions.sign_off_action", action)
    action = _lock(action)
    refuse(guards.sign_off_blocked(action, by=actor))
    action.signed_off_at = timezone.now()
    action.signed_off_by = actor
    _save(action, actor=actor, reason="Signed off")
    record_event("actions.action.signed_off", actor=actor, obj=action, request=request)
    return action


@transaction.atomic
def action_record_impact(*, actor: Person, action: Action, made_difference: str, finding: str, request=None) -> Action:
    """The last step: whether the signed-off action made a difference, and how the group knows."""
    _check_actor_may(actor, "actions.test_action_impact", action)
    action = _lock(action)
    refuse(guards.impact_blocked(action, by=actor))
    finding = (finding or "").strip()
    errors: dict[str, str] = {}
    if made_difference not in Action.Difference.values:
        errors["made_difference"] = "Choose whether the action made a difference"
    if not finding:
        errors["finding"] = "Describe the difference the action made and how you know"
    elif too_long := length_error(Action, "impact_finding", finding):
        errors["finding"] = too_long
    if errors:
        raise ValidationError(errors)
    action.made_difference = made_difference
    action.impact_finding = finding
    action.impact_tested_at = timezone.now()
    action.impact_tested_by = actor
    action.stage = Action.Stage.IMPACT_TESTED
    _save(action, actor=actor, reason="Impact tested")
    record_event(
        "actions.action.impact_recorded",
        actor=actor,
        obj=action,
        request=request,
        message=finding[:500],
        data={"made_difference": made_difference},
    )
    return action


# Closing and reopening.


def _reason_given(reason: str, required_message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": required_message})
    if len(reason) > limits.SHORT_TEXT:
        # The reason is kept in the audit log and the history, which take any length: the limit is checked here.
        raise ValidationError({"reason": limits.too_long("The reason", limits.SHORT_TEXT)})
    return reason


def _save_with_reason(action: Action, *, actor: Person, code: str, verb: str, reason: str, stage_before: str, request):
    """Save a close or a reopen with its reason, in the history and in its audit event."""
    _save(action, actor=actor, reason=f"{verb}: {reason}"[:100])
    record_event(
        code,
        actor=actor,
        obj=action,
        request=request,
        message=reason,
        data={"reason": reason, "stage_before": stage_before},
    )


@transaction.atomic
def action_close(*, actor: Person, action: Action, reason: str, request=None) -> Action:
    """Close an action: done and tested, superseded, or no longer needed. The reason is kept in its history."""
    _check_actor_may(actor, "actions.close_action", action)
    action = _lock(action)
    refuse(guards.close_blocked(action))
    reason = _reason_given(reason, "Enter why the action is being closed")
    stage_before = action.stage
    action.stage = Action.Stage.CLOSED
    action.closed_at = timezone.now()
    _save_with_reason(
        action,
        actor=actor,
        code="actions.action.closed",
        verb="Closed",
        reason=reason,
        stage_before=stage_before,
        request=request,
    )
    return action


@transaction.atomic
def action_reopen(*, actor: Person, action: Action, reason: str, request=None) -> Action:
    """Open a completed, impact-tested or closed action again, for more work.

    Its sign-off and impact test no longer stand, so they are cleared (the history keeps them); the evidence
    stays, for the next completion to build on.
    """
    _check_actor_may(actor, "actions.close_action", action)
    action = _lock(action)
    refuse(guards.reopen_blocked(action))
    reason = _reason_given(reason, "Enter why the action is being reopened")
    stage_before = action.stage
    action.stage = Action.Stage.OPEN
    action.completed_on = None
    action.completed_by = None
    action.signed_off_at = None
    action.signed_off_by = None
    action.impact_tested_at = None
    action.impact_tested_by = None
    action.made_difference = ""
    action.impact_finding = ""
    action.closed_at = None
    _save_with_reason(
        action,
        actor=actor,
        code="actions.action.reopened",
        verb="Reopened",
        reason=reason,
        stage_before=stage_before,
        request=request,
    )
    return action
