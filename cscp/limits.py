"""How much text people may type, in one place: every app's models and forms take their limits from here.

Each limit fits what the field is for, so that a Board pack or an update's PDF stays a document people can read
and the server can lay out in seconds (an answer pasted a thousand times over once made an update's PDF take a
minute). The database does not enforce a TextField's length: `limited_text` gives the model field a validator,
so `full_clean()` in every service refuses longer text, and its `max_length` reaches the form field, which
refuses it beside the field. A CharField's `max_length` is its column's size, and only ever grows: lowering it
would fail on rows already longer.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

# A code or a reference: CSC01, ACT-0042, a period key.
CODE = 30
# A short name: a district, a theme, how often a group meets.
SHORT_TITLE = 100
# A title or a name: a section, a cycle, a plan, a priority, an agency, a group, a person's job title.
TITLE = 200
# An action or an escalation said in a sentence, a link's title, a source's reference.
LONG_TITLE = 300
# A web address or a path in the service.
URL = 500
# A number typed into a figure's box, with room for spaces and a decimal point.
NUMBER = 30
# What a search box takes.
SEARCH = 200
# A password: far longer than anyone types or a password manager makes, short of a page pasted in.
PASSWORD = 1_000
# A hint, a description, a purpose, a reason, what is asked of the Board: a paragraph or two.
SHORT_TEXT = 2_000
# A comment, a progress note, commentary on a figure, a challenge and its response.
COMMENT = 5_000
# An answer in an impact update, a concern and its evidence, the Board's decision, evidence of a difference made.
NARRATIVE = 10_000


def too_long(noun: str, limit: int) -> str:
    """The GOV.UK message for text over its limit: "Description must be 2,000 characters or fewer"."""
    return f"{noun} must be {limit:,} characters or fewer"


def text_limit(limit: int) -> MaxLengthValidator:
    """The validator that makes a model's `full_clean()` refuse a TextField's text over `limit` characters."""
    return MaxLengthValidator(limit, message=f"Enter {limit:,} characters or fewer")


def limited_text(limit: int, *args, **kwargs) -> models.TextField:
    """A TextField whose length `full_clean()` checks and whose form field has the same `max_length`."""
    return models.TextField(*args, max_length=limit, validators=[text_limit(limit)], **kwargs)


def length_error(model: type[models.Model], field_name: str, text: str) -> str:
    """What is wrong with `text` as `model.field_name` (longer than it allows), or ""."""
    try:
        model._meta.get_field(field_name).run_validators(text)
    except ValidationError as error:
        return error.messages[0]
    return ""


def check_length(model: type[models.Model], field_name: str, text: str, *, as_field: str | None = None) -> None:
    """Refuse `text` that is longer than `model.field_name` allows, for a service that saves without `full_clean()`;
    the error is keyed `as_field` (the form's name for it) so the page shows it beside the box."""
    if message := length_error(model, field_name, text):
        raise ValidationError({as_field or field_name: message})
