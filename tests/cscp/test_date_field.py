"""The GOV.UK date input: what people type into its three boxes, and what the form makes of it."""

import datetime

from django import forms

from cscp.forms.fields import GovDateField


class _Required(forms.Form):
    when = GovDateField(label="End date", required_message="Enter the end date")


class _Optional(forms.Form):
    when = GovDateField(label="Review date", required=False)


def _bound(form_class, day, month, year):
    return form_class({"when_0": day, "when_1": month, "when_2": year})


def test_a_required_date_of_spaces_only_is_refused_as_missing_not_taken_as_no_date():
    form = _bound(_Required, " ", " ", "\t")
    assert not form.is_valid()
    assert form.errors["when"] == ["Enter the end date"]


def test_an_optional_date_of_spaces_only_is_no_date():
    form = _bound(_Optional, " ", " ", " ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] is None


def test_a_whole_date_is_read_as_typed():
    form = _bound(_Required, "31", "3", "2026")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == datetime.date(2026, 3, 31)
