"""Forms for Board packs: what changed in a new version, and how the partnership sets its packs out.

Forms only validate what was typed; cscp.boardpack.services makes the change and checks it again.
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from cscp import limits
from cscp.forms.fields import LimitedTextField, character_count
from cscp.sections import board_pack_sections

# Positions a section may take in the pack.
MIN_POSITION = 1
MAX_POSITION = 99


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.attrs = {"novalidate": True}
    helper.layout = Layout(*fields)
    return helper


class GenerateForm(forms.Form):
    """Generating the next version. Once a version was sent to the Board, the service requires the note."""

    change_note = LimitedTextField(
        label="What changed since the version sent to the Board",
        limit=limits.SHORT_TEXT,
        noun="What changed",
        required=False,
        help_text="Board members are told this with the new version, for example “Adds the Q3 figures for CSC04”",
    )

    def __init__(self, *args, note_needed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not note_needed:
            self.fields["change_note"].label = "What changed (optional)"
            self.fields["change_note"].help_text = "Board members are told this with the new version"
        self.helper = _helper(character_count(self, "change_note", label_size=Size.SMALL, rows=3))


def position_field_name(key: str) -> str:
    return "position_" + key.replace(".", "__")


class SettingsForm(forms.Form):
    """The protective marking, the cover's author and purpose, and each registered section's position."""

    protective_marking = LimitedTextField(
        label="Protective marking (optional)",
        limit=limits.SHORT_TITLE,
        noun="Protective marking",
        textarea=False,
        required=False,
        help_text="Printed at the top and foot of every page, for example OFFICIAL-SENSITIVE",
    )
    author = LimitedTextField(
        label="Author (optional)",
        limit=limits.TITLE,
        noun="Author",
        textarea=False,
        required=False,
        help_text="Shown on the cover, for example Partnership Business Manager. Leave it empty to show who "
        "generated the pack",
    )
    purpose = LimitedTextField(
        label="Purpose",
        limit=limits.SHORT_TEXT,
        noun="Purpose",
        required_message="Enter the pack's purpose",
        help_text="Shown on the cover: what the Board is asked to do with the pack",
    )

    def __init__(self, *args, settings, **kwargs):
        sections = board_pack_sections.sections(settings.section_positions)
        initial = {
            "protective_marking": settings.protective_marking,
            "author": settings.author,
            "purpose": settings.purpose,
        }
        for position, section in enumerate(sections, start=1):
            initial[position_field_name(section.key)] = position
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.sections = sections
        fields = [Field.text("protective_marking"), Field.text("author"), character_count(self, "purpose", rows=3)]
        for section in sections:
            name = position_field_name(section.key)
            self.fields[name] = forms.IntegerField(
                label=f"Position of “{section.title}”",
                min_value=MIN_POSITION,
                max_value=MAX_POSITION,
                error_messages={
                    "required": f"Enter a position for “{section.title}”",
                    "invalid": f"Position of “{section.title}” must be a whole number, like 3",
                    "min_value": f"Position of “{section.title}” must be {MIN_POSITION} or more",
                    "max_value": f"Position of “{section.title}” must be {MAX_POSITION} or fewer",
                },
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )
            fields.append(Field.text(name, field_width=2))
        self.helper = _helper(*fields)

    def clean(self):
        cleaned = super().clean()
        seen: dict[int, str] = {}
        for section in self.sections:
            name = position_field_name(section.key)
            position = cleaned.get(name)
            if position is None:
                continue
            if position in seen:
                self.add_error(
                    name, f"“{section.title}” has the same position as “{seen[position]}”: give each its own"
                )
            else:
                seen[position] = section.title
        return cleaned

    def positions(self) -> dict[str, int]:
        return {section.key: self.cleaned_data[position_field_name(section.key)] for section in self.sections}
