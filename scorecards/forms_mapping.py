"""The mapping form: which of the catalogue's published measures feeds an indicator, and as what."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from scorecards.models import ComparatorMeasure, IndicatorMapping

NONE = ""


def file_label(measure: ComparatorMeasure) -> str:
    """Which kind of file carries a measure, as the option groups and the list name it."""
    kind = measure.get_source_kind_display()
    return f"{kind}: {measure.file_pattern}" if measure.file_pattern else kind


def breakdown_label(measure: ComparatorMeasure) -> str:
    if not measure.filters:
        return "All rows"
    return "; ".join(f"{column} is {value}" for column, value in sorted(measure.filters.items()))


def measure_choices(measures) -> list:
    """The measures grouped by the file that carries them, with "none" first to remove the mapping."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for measure in measures:
        label = f"{measure.name} ({measure.get_unit_display().lower()}, column {measure.column})"
        groups.setdefault(file_label(measure), []).append((str(measure.pk), label))
    return [(NONE, "None: no published figures for this indicator"), *sorted(groups.items())]


class MappingForm(forms.Form):
    measure = forms.ChoiceField(
        label="Published measure",
        required=False,
        help_text="Measures are grouped by the DfE or ONS file they come from. The unit must be the indicator's.",
        error_messages={"invalid_choice": "Choose a measure from the list"},
    )
    role = forms.ChoiceField(
        label="What are its figures used for?",
        choices=IndicatorMapping.Role.choices,
        widget=forms.RadioSelect,
        initial=IndicatorMapping.Role.BOTH,
        error_messages={
            "required": "Choose what the measure's figures are used for",
            "invalid_choice": "Choose what the measure's figures are used for",
        },
    )

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = {str(measure.pk): measure for measure in measures}
        self.fields["measure"].choices = measure_choices(measures)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": True}
        self.helper.layout = Layout(
            Field.select("measure"),
            Field.radios("role", legend_size=Size.SMALL),
            Submit("submit", "Save the mapping"),
        )

    def clean_measure(self) -> ComparatorMeasure | None:
        return self.measures.get(self.cleaned_data.get("measure") or NONE)
