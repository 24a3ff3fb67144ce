"""Every piece of text a person types has a limit that fits it, enforced by the model and by the form.

Answers of megabytes once made an update's PDF take over a minute and a Board pack never finish. These tests walk
every model and every form of the product, so a field added later without a limit fails here, by name.
"""

from __future__ import annotations

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


def test_every_textarea_with_a_limit_counts_its_characters(partnership):
    """The GOV.UK character count: the limit is shown, and counted down as the person types."""
    from cscp.impact.forms import EscalationForm
    from cscp.models import Group

    form = EscalationForm(groups=Group.objects.all())
    from crispy_forms.utils import render_crispy_form

    page = render_crispy_form(form)
    for name, limit in (("concern", limits.NARRATIVE), ("evidence", limits.NARRATIVE), ("ask", limits.SHORT_TEXT)):
        found = re.search(
            rf'<div class="govuk-character-count" data-module="govuk-character-count" data-maxlength="{limit}">'
            rf'.*?<textarea[^>]*name="{name}"[^>]*class="[^"]*govuk-js-character-count',
            page,
            re.S,
        )
        assert found, name
        assert f'id="id_{name}-info"' in page
