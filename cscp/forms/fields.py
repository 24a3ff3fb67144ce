"""Form fields shared by the product's forms.

Every date is asked for with the GOV.UK date input: three boxes for the day, month and year, in a fieldset
whose legend is the question. crispy-forms-gds renders it with `Field("name")` in a layout (or `|crispy`),
showing the hint, the error message beside the boxes and the error class on the boxes in error.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from crispy_forms_gds.fields import DateInputField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

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
