"""Every piece of text a person types has a limit that fits it, enforced by the model and by the form.

Answers of megabytes once made an update's PDF take over a minute and a Board pack never finish. These tests walk
every model and every form of the product, so a field added later without a limit fails here, by name.
"""

from __future__ import annotations

import datetime
import html
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from cscp import limits

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = {"cscp", "actions", "impact", "boardpack", "reminders", "scorecards"}

# Text the product writes itself, never typed into a form: what goes into it is bounded where it was typed.
MACHINE_WRITTEN = {
    "cscp.AuditEvent.message": "the audit trail's summary of an event, made by the service that records it",
    "cscp.Notification.body": "composed by the product from records whose own text is limited",
    "cscp.OutboxEmail.body": "composed by the product from records whose own text is limited",
    "cscp.OutboxEmail.last_error": "the mail server's answer to the last attempt to send",
    "scorecards.ComparatorMeasure.description": "read from DfE's published dictionary of measures",
    "scorecards.ComparatorValue.note": "how the DfE import worked a combined figure out",
    "scorecards.ImportRun.error": "what went wrong in an import, written by the import",
}


def _project_models():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical"):
            yield model


def _text_fields(model, kind):
    return [field for field in model._meta.get_fields() if isinstance(field, kind) and field.concrete]


def _name(model, field) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def test_the_allow_list_names_fields_that_exist():
    names = {_name(model, field) for model in _project_models() for field in _text_fields(model, models.TextField)}
    assert set(MACHINE_WRITTEN) <= names


def test_every_text_field_people_type_into_has_a_limit_full_clean_enforces():
    missing = []
    for model in _project_models():
        for field in _text_fields(model, models.TextField):
            if _name(model, field) in MACHINE_WRITTEN:
                continue
            checks = [v for v in field.validators if isinstance(v, MaxLengthValidator)]
            if not checks or not field.max_length or checks[0].limit_value != field.max_length:
                missing.append(_name(model, field))
    assert missing == []


def test_every_char_field_has_a_max_length():
    missing = [
        _name(model, field)
        for model in _project_models()
        for field in _text_fields(model, models.CharField)
        if not field.max_length
    ]
    assert missing == []


def test_a_models_full_clean_refuses_text_over_its_limit():
    from cscp.impact.models import ImpactUpdateAnswer

    field = ImpactUpdateAnswer._meta.get_field("text")
    assert field.max_length == limits.NARRATIVE
    field.clean("x" * limits.NARRATIVE, None)
    with pytest.raises(ValidationError) as error:
        field.clean("x" * (limits.NARRATIVE + 1), None)
    assert error.value.messages == ["Enter 10,000 characters or fewer"]


# The forms.

FORM_MODULES = ["cscp.forms", "cscp.actions.forms", "cscp.impact.forms", "scorecards.forms"]


def _form_modules():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        yield module
        if hasattr(module, "__path__"):
            for info in pkgutil.iter_modules(module.__path__):
                yield importlib.import_module(f"{name}.{info.name}")
    for path in sorted((ROOT / "scorecards").glob("forms_*.py")):
        yield importlib.import_module(f"scorecards.{path.stem}")


def _form_classes():
    seen = {}
    for module in _form_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, forms.BaseForm):
                seen[f"{cls.__module__}.{cls.__qualname__}"] = cls
            if cls.__module__ == module.__name__ and hasattr(cls, "base_filters"):
                # A filter set's form, as its page builds it.
                seen[f"{cls.__module__}.{cls.__qualname__}.form"] = cls().form.__class__
    return seen


def _unlimited(fields: dict) -> list[str]:
    return [
        name
        for name, field in fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field, forms.FileField) and not field.max_length
    ]


def test_the_walk_finds_the_products_forms():
    names = _form_classes()
    for expected in (
        "cscp.impact.forms.SectionAnswerForm",
        "cscp.impact.forms.EscalationForm",
        "cscp.actions.forms.ActionForm",
        "cscp.forms.structure.GroupForm",
        "cscp.forms.accounts.SignInForm",
        "scorecards.forms.CommentaryForm",
    ):
        assert expected in names


def test_every_char_field_declared_on_a_form_has_a_max_length():
    missing = {name: _unlimited(cls.base_fields) for name, cls in _form_classes().items()}
    assert {name: fields for name, fields in missing.items() if fields} == {}


def test_every_char_field_a_form_adds_as_it_starts_has_a_max_length(partnership):
    """Forms that add fields in __init__ (the text of a scorecard's commentary, a section's answer, a reason)."""
    from cscp.actions.forms import ReasonForm
    from cscp.impact.forms import SectionAnswerForm
    from cscp.impact.models import ImpactTemplateSection
    from scorecards.forms import ChallengeForm, CommentaryForm, ResponseForm

    section = ImpactTemplateSection.objects.create(title="What we did")
    built = {
        "SectionAnswerForm": SectionAnswerForm(section=section),
        "ReasonForm": ReasonForm(label="Why?", hint="", required_message="Enter why", submit_label="Close"),
        "CommentaryForm": CommentaryForm(),
        "ChallengeForm": ChallengeForm(),
        "ResponseForm": ResponseForm(),
    }
    assert {name: _unlimited(form.fields) for name, form in built.items() if _unlimited(form.fields)} == {}


def _forms_with_textareas():
    """One of each form that has a textarea, built as its page builds it."""
    from cscp.actions.forms import ActionForm, CompleteForm, ImpactForm, NoteForm, ReasonForm
    from cscp.actions.models import Action
    from cscp.forms.structure import GroupForm, PriorityForm, ThemeForm
    from cscp.impact import forms as impact
    from cscp.impact.models import ImpactTemplateSection
    from cscp.models import Group, Person
    from scorecards.forms import ChallengeForm, CommentaryForm, ResponseForm
    from tests.factories import BusinessPlanFactory

    section = ImpactTemplateSection.objects.create(title="What we did")
    action = Action(stage=Action.Stage.OPEN)
    admin = Person.objects.get(username="admin")
    return {
        "SectionForm": impact.SectionForm(),
        "SectionAnswerForm": impact.SectionAnswerForm(section=section),
        "CommentForm": impact.CommentForm(),
        "RequestChangesForm": impact.RequestChangesForm(),
        "EscalationForm": impact.EscalationForm(groups=Group.objects.all()),
        "DecisionForm": impact.DecisionForm(),
        "OutcomeForm": impact.OutcomeForm(),
        "ActionForm": ActionForm(user=admin),
        "NoteForm": NoteForm(action=action),
        "CompleteForm": CompleteForm(action=action),
        "ImpactForm": ImpactForm(),
        "ReasonForm": ReasonForm(label="Why?", hint="", required_message="Enter why", submit_label="Close"),
        "GroupForm": GroupForm(),
        "PriorityForm": PriorityForm(plan=BusinessPlanFactory()),
        "ThemeForm": ThemeForm(),
        "CommentaryForm": CommentaryForm(),
        "ChallengeForm": ChallengeForm(),
        "ResponseForm": ResponseForm(),
    }


def test_every_form_with_a_textarea_is_checked_for_its_character_count():
    declared = {
        name.rsplit(".", 1)[-1]
        for name, cls in _form_classes().items()
        if any(isinstance(field.widget, forms.Textarea) for field in cls.base_fields.values())
    }
    built = {"SectionAnswerForm", "ReasonForm", "CommentaryForm", "ChallengeForm", "ResponseForm"}
    listed = set(inspect.getsource(_forms_with_textareas).split("return {", 1)[1].replace('"', " ").split())
    assert declared - built <= listed


def test_every_textarea_with_a_limit_counts_its_characters(partnership):
    """The GOV.UK character count: the limit is shown and counted down as the person types, and the browser's own
    maxlength, which cuts off pasted text unseen, is left off."""
    from crispy_forms.utils import render_crispy_form

    wrong = {}
    for name, form in _forms_with_textareas().items():
        page = render_crispy_form(form)
        for field_name, field in form.fields.items():
            if not isinstance(field.widget, forms.Textarea):
                continue
            assert field.max_length, (name, field_name)
            auto_id = form[field_name].auto_id
            counted = re.search(
                rf'<div class="govuk-character-count" data-module="govuk-character-count" '
                rf'data-maxlength="{field.max_length}">\s*<div id="div_{auto_id}"[^>]*>.*?'
                rf"<textarea([^>]*)>.*?</textarea>\s*"
                rf'<span id="{auto_id}-info" class="govuk-hint govuk-character-count__message"',
                page,
                re.S,
            )
            if not counted or "govuk-js-character-count" not in counted.group(1) or "maxlength" in counted.group(1):
                wrong.setdefault(name, []).append(field_name)
    assert wrong == {}


def test_the_limits_read_as_gov_uk_says():
    assert limits.too_long("Description", limits.SHORT_TEXT) == "Description must be 2,000 characters or fewer"
    assert (limits.TITLE, limits.SHORT_TEXT, limits.NARRATIVE) == (200, 2_000, 10_000)


# An answer too long, on the page: the error beside the field, what was typed kept, nothing saved.


def _textarea_text(response, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', response.content.decode(), re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def test_an_answer_over_its_limit_is_refused_beside_the_box_and_nothing_is_saved(client_for, partnership):
    from django.urls import reverse

    from cscp.impact import services
    from cscp.impact.models import ImpactUpdateAnswer
    from cscp.models import AuditEvent
    from tests.cscp.impact.factories import CycleFactory, standard_template
    from tests.cscp.structure_helpers import error_beside, has_error_summary

    sections = standard_template()
    update = services.impact_update_start(actor=partnership["chair"], cycle=CycleFactory(), group=partnership.subgroup)
    client = client_for("chair")
    events = AuditEvent.objects.count()
    too_long = "We met. " * 1_251  # 10,008 characters, or 10,007 once trimmed

    response = client.post(
        reverse("impact:update-section", args=[update.pk, sections[0].pk]),
        {"text": too_long, "version": update.version, "continue": "1"},
    )

    assert response.status_code == 200
    assert has_error_summary(response)
    assert error_beside(response, "text") == ["Your answer must be 10,000 characters or fewer"]
    assert _textarea_text(response, "text") == too_long.strip()
    assert not ImpactUpdateAnswer.objects.filter(update=update).exclude(text="").exists()
    assert AuditEvent.objects.count() == events


def test_the_answer_service_refuses_text_over_the_limit_too(partnership):
    from cscp.impact import services
    from tests.cscp.impact.factories import CycleFactory, standard_template

    sections = standard_template()
    update = services.impact_update_start(actor=partnership["chair"], cycle=CycleFactory(), group=partnership.subgroup)
    with pytest.raises(ValidationError) as error:
        services.impact_update_save_section(
            actor=partnership["chair"], update=update, section=sections[0], text="x" * 10_001, version=update.version
        )
    assert error.value.message_dict == {"text": ["Enter 10,000 characters or fewer"]}
    services.impact_update_save_section(
        actor=partnership["chair"], update=update, section=sections[0], text="x" * 10_000, version=update.version
    )


def test_an_escalation_over_its_limits_is_refused_beside_each_box_and_not_raised(client_for, partnership):
    from django.urls import reverse

    from cscp.impact.models import Escalation
    from tests.cscp.structure_helpers import error_beside

    response = client_for("chair").post(
        reverse("impact:escalation-create"),
        {
            "group": partnership.subgroup.pk,
            "title": "Delays in initial health assessments",
            "concern": "c" * 10_001,
            "evidence": "Audit of 40 cases",
            "ask": "a" * 2_001,
        },
    )

    assert response.status_code == 200
    assert error_beside(response, "concern") == ["The concern must be 10,000 characters or fewer"]
    assert error_beside(response, "ask") == ["What you are asking the Board to do must be 2,000 characters or fewer"]
    assert error_beside(response, "evidence") == []
    assert not Escalation.objects.exists()


def test_a_progress_note_over_its_limit_is_refused_and_not_added(client_for, partnership):
    from django.urls import reverse
    from django.utils import timezone

    from cscp.actions.models import Action, ActionNote
    from cscp.actions.services import action_create
    from tests.cscp.structure_helpers import date_fields, error_beside

    action = action_create(
        actor=partnership["admin"],
        title="Review the threshold guidance",
        source=Action.Source.OTHER,
        owner_group=partnership.subgroup,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    response = client_for("chair").post(
        reverse("actions:note-add", args=[action.pk]),
        {"text": "n" * 5_001, "progress": "on_track", **date_fields("noted_on", timezone.localdate())},
    )

    assert response.status_code == 200
    assert error_beside(response, "text") == ["Progress note must be 5,000 characters or fewer"]
    assert not ActionNote.objects.exists()


def test_a_groups_purpose_over_its_limit_is_refused_beside_the_box(client_for, partnership):
    from django.urls import reverse

    from cscp.models import Group
    from tests.cscp.structure_helpers import error_beside

    group = partnership.subgroup
    response = client_for("admin").post(
        reverse("cscp:group-edit", args=[group.pk]),
        {"name": group.name, "kind": group.kind, "parent": group.parent_id, "purpose": "p" * 2_001, "is_active": "on"},
    )

    assert response.status_code == 200
    assert error_beside(response, "purpose") == ["Purpose must be 2,000 characters or fewer"]
    assert Group.objects.get(pk=group.pk).purpose != "p" * 2_001
