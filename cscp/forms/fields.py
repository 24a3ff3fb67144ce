"""Form fields shared by the product's forms.

Every date is asked for with the GOV.UK date input: three boxes for the day, month and year, in a fieldset
whose legend is the question. crispy-forms-gds renders it with `Field("name")` in a layout (or `|crispy`),
showing the hint, the error message beside the boxes and the error class on the boxes in error.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone

from cscp import limits
from cscp.models import BusinessPlan, Priority, Theme

REAL_DATE_MESSAGE = "Enter a real date, for example 27 3 2026"


class GovDateField(DateInputField):
    """The GOV.UK date input (day, month, year), with messages that say what to do.

    `initial` may be a date or a callable such as `timezone.localdate`, evaluated each time the form is shown.
    An optional field (`required=False`) left empty is None; one filled in only in part is refused, so a
    half-typed date is never taken to mean "no date".
    """

    def __init__(
        self,
        *,
        label: str,
        required_message: str = "Enter the date",
        incomplete_message: str | None = None,
        help_text: str = "",
        initial: datetime.date | Callable[[], datetime.date] | None = None,
        required: bool = True,
        **kwargs,
    ):
        super().__init__(label=label, help_text=help_text, initial=initial, required=required, **kwargs)
        self.error_messages["required"] = required_message
        self.error_messages["incomplete"] = incomplete_message or (
            required_message if required else "Enter the day, month and year, for example 27 3 2026"
        )
        day, month, year = self.fields
        day.validators = [RegexValidator(r"^[0-9]+$", "Enter the day as a number, for example 27")]
        month.validators = [RegexValidator(r"^[0-9]+$", "Enter the month as a number, for example 3")]
        year.validators = [RegexValidator(r"^[0-9]+$", "Enter the year as a number, for example 2026")]

    def compress(self, data_list):
        day, month, year = data_list
        if not (day or month or year):
            # Parts of spaces only pass the "required" check of the three boxes and are empty once stripped.
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        if not (day and month and year):
            # Only an optional field gets here: a required one is refused as "required" before compressing.
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        if len(year) != 4:
            raise ValidationError("Enter the year as 4 numbers, for example 2026")
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as exc:
            raise ValidationError(REAL_DATE_MESSAGE) from exc


# Every record in the product may be tagged with a business plan priority and the partnership's themes: that is what
# lets the Independent Scrutineer triangulate evidence across apps. These two fields ask for them the same way
# everywhere.


class PriorityChoiceField(forms.ModelChoiceField):
    """Priorities named with their plan ("2025-27 plan: priority 1, Neglect"), as in a filter across plans."""

    def label_from_instance(self, obj: Priority) -> str:
        return f"{obj.plan.title}: priority {obj.number}, {obj.title}"


class PriorityField(PriorityChoiceField):
    """An optional business plan priority, every plan's by default ("2025-27 plan: priority 1, Neglect"), or only
    the plan in force (`current_plan_only()`, then "Priority 1: Neglect")."""

    def __init__(
        self, *, label: str = "Business plan priority (optional)", empty_label: str = "Not linked to a priority", **kw
    ):
        kw.setdefault("required", False)
        kw.setdefault("error_messages", {"invalid_choice": "Choose a priority from the list"})
        super().__init__(
            queryset=Priority.objects.select_related("plan").order_by("-plan__start_date", "number"),
            label=label,
            empty_label=empty_label,
            **kw,
        )
        self._one_plan = False

    def current_plan_only(self, today: datetime.date | None = None) -> None:
        today = today or timezone.localdate()
        plan = BusinessPlan.objects.filter(start_date__lte=today, end_date__gte=today).order_by("-start_date").first()
        self.queryset = Priority.objects.filter(plan=plan).order_by("number") if plan else Priority.objects.none()
        self._one_plan = True

    def label_from_instance(self, obj: Priority) -> str:
        return str(obj) if self._one_plan else super().label_from_instance(obj)


class ThemesField(forms.ModelMultipleChoiceField):
    """The partnership's active themes as checkboxes, optional; `keep(themes)` also offers retired ones a record
    already has, so saving it does not drop them."""

    def __init__(self, *, label: str = "Themes (optional)", help_text: str = "Select all that apply", **kw):
        kw.setdefault("required", False)
        super().__init__(
            queryset=Theme.objects.filter(is_active=True).order_by("name"),
            label=label,
            help_text=help_text,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "invalid_choice": "Choose themes from the list",
                "invalid_pk_value": "Choose themes from the list",
            },
            **kw,
        )

    def keep(self, themes) -> None:
        kept = [theme.pk for theme in themes]
        self.queryset = Theme.objects.filter(Q(is_active=True) | Q(pk__in=kept)).order_by("name")

    def label_from_instance(self, obj: Theme) -> str:
        return obj.name


# Text with a limit (see cscp/limits.py).


class LimitedTextField(forms.CharField):
    """Text up to `limit` characters, refused beyond it with GOV.UK's words: "<Noun> must be 2,000 characters or
    fewer". A textarea unless `widget` says otherwise; lay it out with `character_count` so the person sees the
    limit and how much is left as they type."""

    def __init__(
        self, *, limit: int, noun: str, required_message: str | None = None, textarea: bool = True, **kwargs
    ) -> None:
        error_messages = {"max_length": limits.too_long(noun, limit), **kwargs.pop("error_messages", {})}
        if required_message:
            error_messages["required"] = required_message
        if textarea:
            kwargs.setdefault("widget", forms.Textarea)
        super().__init__(max_length=limit, error_messages=error_messages, **kwargs)


def character_count(form: forms.BaseForm, name: str, **kwargs) -> Field:
    """A textarea with the GOV.UK character count of its field's `max_length`.

    The count tells the person how many characters are left as they type and lets them go over, so what they
    pasted is never cut off unseen; the form then refuses it beside the field. The browser's own `maxlength`
    would cut pasted text off silently where the count's script does not run, so it is left off.
    """
    field = form.fields[name]
    field.widget.attrs.pop("maxlength", None)
    # crispy-forms-gds adds the count's message to the textarea's description, reading the description it made
    # from the hint: a field without a hint has none yet.
    field.widget.attrs.setdefault("aria-describedby", "")
    return Field.textarea(name, max_characters=field.max_length, **kwargs)


def name_length_messages(form: forms.BaseForm) -> None:
    """GOV.UK's words for every text box of a form that has no message of its own for text that is too long:
    "Group name must be 200 characters or fewer"."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length and "max_length" not in field.error_messages:
            noun = str(field.label or "").removesuffix(" (optional)") or "This"
            field.error_messages["max_length"] = limits.too_long(noun, field.max_length)
