"""The upload form for imports: the kind of file (only the kinds this person may import) and the file."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from scorecards.imports.runs import kinds_for
from scorecards.models import ImportRun

HINTS = {
    ImportRun.Kind.LOCAL_VALUES: (
        "Columns: indicator, period (like 2025-04), and value or numerator and denominator; and commentary, "
        "needed for a figure that is red against its target. Only periods that have ended, from each "
        "indicator's first period on"
    ),
    ImportRun.Kind.DFE_EES: "A CSV file from Explore Education Statistics, such as c1, d3, b1 or children looked after",
    ImportRun.Kind.DFE_LAIT: "Also choose LAIT's data dictionary below",
    ImportRun.Kind.ONS_POPULATION: "Import this before the DfE files whose rates are per 10,000 children",
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of file is it?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of file this is",
            "invalid_choice": "Choose a kind from the list",
        },
    )
    file = forms.FileField(
        label="File",
        help_text="A CSV file or an Excel workbook (.xlsx)",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file is empty: choose the file with the figures",
        },
    )
    extra_file = forms.FileField(
        label="LAIT data dictionary (LAIT only)",
        required=False,
        help_text="The CSV file that describes LAIT's measures",
        error_messages={"empty": "The dictionary file is empty: choose LAIT's data dictionary"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds_for(user)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": True, "enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field("file"),
            Field("extra_file"),
            Submit("submit", "Upload and check"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ImportRun.Kind.DFE_LAIT and not cleaned.get("extra_file"):
            self.add_error("extra_file", "Choose LAIT's data dictionary: it gives each measure's polarity")
        return cleaned
