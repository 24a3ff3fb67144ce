"""Showing a service's refusal on the form that asked for it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's errors beside the form's fields; errors about fields the form lacks go at the top.

    `field_map` renames a service's field to the form's where they differ (the service's `person`, the form's
    `chooser`)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        name = (field_map or {}).get(name, name)
        form.add_error(name if name in form.fields else None, messages)
