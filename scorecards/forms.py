"""Forms for the scorecard pages: the filters, the value-entry grid, commentary, challenges and responses.

The forms only check what was typed. The views save through `scorecards.services`, which checks again (the
unit's range, numerator against denominator, commentary for a red figure) and writes the audit trail.
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from cscp import limits
from cscp.forms.fields import character_count
from cscp.models import Priority, Theme
from scorecards import judgements, ranges
from scorecards.entry import EntryRow
from scorecards.formatting import RAG_FILTER_CHOICES
from scorecards.models import Indicator, Scorecard
from scorecards.periods import MONTHLY, QUARTERLY, Period, PeriodError, parse_period
from scorecards.selectors import default_period, period_choices
from scorecards.services import TEXT_LIMIT


# A figure's box takes at most limits.NUMBER characters; longer text is no number this product stores.
def _too_long(indicator: Indicator) -> dict:
    """The figure boxes' length message, naming the indicator (as every entry error does)."""
    words = ranges.indicator_words(indicator)
    return {"max_length": f"{words}: enter a number of {limits.NUMBER} characters or fewer"}


class ScorecardFilterForm(forms.Form):
    """The scorecard's side-column filters: which period, and which indicators. A GET form, so a filtered
    scorecard has an address people can share."""

    period = forms.ChoiceField(label="Period", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    priority = forms.ChoiceField(label="Priority", required=False)
    theme = forms.ChoiceField(label="Theme", required=False)
    rag = forms.ChoiceField(label="Rating", required=False)

    def __init__(self, data=None, *, scorecard: Scorecard, today=None, span: ranges.Span | None = None):
        super().__init__(data)
        self.scorecard = scorecard
        today = today or timezone.localdate()
        self.span = span or ranges.scorecard_span(scorecard, today=today)
        self.default = default_period(scorecard, today)
        # Only the periods the scorecard can be read for (`scorecards.ranges`).
        periods = [period for period in period_choices(scorecard, today) if self.span.covers(period)]
        # A period asked for (in `period`) that the scorecard cannot be read for: the page answers 404.
        self.out_of_range = False
        months = [(p.key, p.label) for p in periods if p.frequency == scorecard.frequency]
        quarters = [(p.key, p.label) for p in periods if p.frequency != scorecard.frequency]
        choices = [("Months" if scorecard.frequency == MONTHLY else "Quarters", months)]
        if quarters:
            choices.append(("Quarters", quarters))
        self.fields["period"].choices = choices
        self.fields["period"].initial = self.default.key
        self.fields["area"].choices = [("", "All areas"), *Indicator.Area.choices]
        self.fields["priority"].choices = [("", "All priorities")] + [
            (str(p.pk), str(p)) for p in Priority.objects.select_related("plan").order_by("-plan__start_date", "number")
        ]
        self.fields["theme"].choices = [("", "All themes")] + [
            (str(t.pk), t.name) for t in Theme.objects.filter(is_active=True).order_by("name")
        ]
        self.fields["rag"].choices = [("", "All ratings"), *RAG_FILTER_CHOICES]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*(Field.select(name) for name in self.fields))

    def add_period(self, period: Period) -> None:
        """Accept an older period in range that a link named (a report, a bookmark), though the list offers two
        years."""
        flat = {key for _, group in self.fields["period"].choices for key, _ in group}
        if period.key not in flat:
            self.fields["period"].choices = [*self.fields["period"].choices, ("Other", [(period.key, period.label)])]

    def selection(self) -> tuple[Period, dict]:
        """The period and filters asked for; anything that does not make sense falls back to the defaults. A
        period that makes sense but is outside the scorecard's range is returned with `out_of_range` set."""
        key = (self.data.get("period") or "").strip() if self.is_bound else ""
        period = self.default
        if key:
            try:
                parsed = parse_period(key)
            except PeriodError:
                parsed = None
            # A monthly scorecard reads by month or quarter; a quarterly one only by quarter.
            allowed = (MONTHLY, QUARTERLY) if self.scorecard.frequency == MONTHLY else (QUARTERLY,)
            if parsed is not None and parsed.frequency in allowed:
                if self.span.covers(parsed):
                    self.add_period(parsed)
                else:
                    self.out_of_range = True
                period = parsed
        filters: dict = {}
        if self.is_bound and self.is_valid():
            for name in ("area", "priority", "theme", "rag"):
                if self.cleaned_data.get(name):
                    filters[name] = self.cleaned_data[name]
        return period, filters

    def applied(self) -> list[str]:
        """The filters in force, in words, for the page to say what it is showing."""
        if not self.is_bound or not self.is_valid():
            return []
        words = []
        for name in ("area", "priority", "theme", "rag"):
            value = self.cleaned_data.get(name)
            if value:
                label = dict(self.fields[name].choices).get(value, value)
                words.append(f"{self.fields[name].label}: {label}")
        return words


class ValueEntryForm(forms.Form):
    """One period's figures for a list of indicators: a row each, with a value (or a numerator and denominator,
    from which the value is worked out) and commentary.

    Fields are named `<part>-<indicator id>`. The form checks only the length of what was typed; every other
    rule (the period, the figures' shape, commentary for a red figure) is the service's
    (`services.indicator_values_check`, which the spreadsheet import applies too), and its errors are put beside
    the fields of the indicator they name (`add_row_errors`).
    """

    def __init__(self, data=None, *, rows: list[EntryRow], period: Period):
        super().__init__(data)
        self.rows = rows
        self.period = period
        # The grid is laid out by its template; the helper only serves the error summary.
        self.helper = FormHelper()
        self.helper.form_tag = False
        for row in rows:
            indicator = row.indicator
            pk = indicator.pk
            unit_words = judgements_unit_words(indicator.unit)
            if indicator.has_counts:
                self.fields[f"numerator-{pk}"] = forms.CharField(
                    label=f"Numerator for {indicator.code}",
                    required=False,
                    max_length=limits.NUMBER,
                    error_messages=_too_long(indicator),
                    initial=_plain(row.value.numerator) if row.value else "",
                    help_text=indicator.numerator_definition,
                )
                self.fields[f"denominator-{pk}"] = forms.CharField(
                    label=f"Denominator for {indicator.code}",
                    required=False,
                    max_length=limits.NUMBER,
                    error_messages=_too_long(indicator),
                    initial=_plain(row.value.denominator) if row.value else "",
                    help_text=indicator.denominator_definition,
                )
            else:
                self.fields[f"value-{pk}"] = forms.CharField(
                    label=f"Value for {indicator.code} ({unit_words})",
                    required=False,
                    max_length=limits.NUMBER,
                    error_messages=_too_long(indicator),
                    initial=_plain(row.value.value) if row.value else "",
                )
            self.fields[f"commentary-{pk}"] = forms.CharField(
                label=f"Commentary for {indicator.code}",
                required=False,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=row.commentary.text if row.commentary else "",
                error_messages={
                    "max_length": (
                        f"{ranges.indicator_words(indicator)}: commentary must be {TEXT_LIMIT:,} characters or fewer"
                    )
                },
            )

    def row_fields(self) -> list[dict]:
        """Each row with its bound fields, for the grid template."""
        result = []
        for row in self.rows:
            pk = row.indicator.pk
            result.append(
                {
                    "row": row,
                    "value": self[f"value-{pk}"] if f"value-{pk}" in self.fields else None,
                    "numerator": self[f"numerator-{pk}"] if f"numerator-{pk}" in self.fields else None,
                    "denominator": self[f"denominator-{pk}"] if f"denominator-{pk}" in self.fields else None,
                    "commentary": self[f"commentary-{pk}"],
                }
            )
        return result

    def service_rows(self) -> list[dict]:
        """The rows as `services.indicator_values_save` takes them."""
        rows = []
        for row in self.rows:
            pk = row.indicator.pk
            rows.append(
                {
                    "indicator": row.indicator,
                    "value": self.cleaned_data.get(f"value-{pk}", ""),
                    "numerator": self.cleaned_data.get(f"numerator-{pk}", ""),
                    "denominator": self.cleaned_data.get(f"denominator-{pk}", ""),
                    "commentary": self.cleaned_data.get(f"commentary-{pk}", ""),
                }
            )
        return rows

    def add_row_errors(self, row_errors: dict[int, dict[str, list[str]]]) -> None:
        """The service's errors, each beside the field of the row it is about."""
        for index, fields in row_errors.items():
            pk = self.rows[index].indicator.pk
            figure = f"value-{pk}" if f"value-{pk}" in self.fields else f"numerator-{pk}"
            for name, messages in fields.items():
                field_name = f"{name}-{pk}"
                if field_name not in self.fields:
                    field_name = figure  # the period, or a value for a row of counts: beside the row's figure
                for message in messages:
                    self.add_error(field_name, message)


def judgements_unit_words(unit: str) -> str:
    return {
        judgements.PERCENT: "%",
        judgements.RATE_PER_10000: "per 10,000 children",
        judgements.COUNT: "number",
        judgements.DAYS: "days",
        judgements.RATIO: "ratio",
    }[unit]


def _plain(value) -> str:
    """A stored figure as someone would type it: 22.4000 → "22.4", 120.0000 → "120"."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text


def _period_field(periods: list[Period], initial: Period | None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Period",
        choices=[(p.key, p.label) for p in periods],
        initial=initial.key if initial else None,
        error_messages={"required": "Choose the period", "invalid_choice": "Choose one of the periods listed"},
    )


class _TextForm(forms.Form):
    text_label = ""
    text_hint = ""
    text_required = ""
    submit_label = "Save"

    def __init__(self, data=None, *, periods: list[Period] | None = None, period: Period | None = None):
        super().__init__(data)
        if periods is not None:
            self.fields["period"] = _period_field(periods, period)
        self.fields["text"] = forms.CharField(
            label=self.text_label,
            help_text=self.text_hint,
            max_length=TEXT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 6}),
            error_messages={
                "required": self.text_required,
                "max_length": limits.too_long(self.text_label, TEXT_LIMIT),
            },
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": True}
        parts = []
        if periods is not None:
            parts.append(Field.select("period"))
        parts.append(character_count(self, "text", label_size=Size.MEDIUM))
        self.helper.layout = Layout(*parts, Submit("submit", self.submit_label))

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(self.text_required)
        return text

    @property
    def period(self) -> Period | None:
        key = self.cleaned_data.get("period")
        return parse_period(key) if key else None


class CommentaryForm(_TextForm):
    text_label = "Commentary"
    text_hint = (
        "What the figures show and why. Where the indicator is red, say how the under-performance is being addressed."
    )
    text_required = "Enter the commentary"
    submit_label = "Save commentary"


class ChallengeForm(_TextForm):
    text_label = "Your challenge"
    text_hint = "What the Business Group asks of the responsible officer about this indicator's performance."
    text_required = "Enter your challenge"
    submit_label = "Send challenge"


class ResponseForm(_TextForm):
    text_label = "Your response"
    text_hint = "Answer the challenge: what the figures show, and what is being done."
    text_required = "Enter your response"
    submit_label = "Send response"
