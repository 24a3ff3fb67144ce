"""Small helpers shared by the tests of the partnership's structure pages."""

from __future__ import annotations

import datetime
import html
import re

from django.urls import NoReverseMatch, reverse

from cscp.models import AuditEvent


def url_if_defined(name: str, *args) -> str | None:
    """The URL of a page another part of the product provides, or None while it does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def error_beside(response, field: str) -> list[str]:
    """The error messages shown beside a form field (GOV.UK error message component)."""
    page = response.content.decode()
    found = re.findall(
        rf'<span id="id_{field}_\d+_error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>\s*(.*?)\s*</span>',
        page,
        re.S,
    )
    return [html.unescape(message) for message in found]


def has_error_summary(response) -> bool:
    return "There is a problem" in response.content.decode()


def date_fields(name: str, day: datetime.date | None = None, *, text: tuple[str, str, str] | None = None) -> dict:
    """The day, month and year boxes of a GOV.UK date input."""
    if text is None:
        text = (str(day.day), str(day.month), str(day.year)) if day else ("", "", "")
    return {f"{name}_0": text[0], f"{name}_1": text[1], f"{name}_2": text[2]}


def last_event(action: str) -> AuditEvent | None:
    return AuditEvent.objects.filter(action=action).order_by("-pk").first()


def date_shown(page: str, name: str) -> tuple[str, str, str]:
    """What the day, month and year boxes of a GOV.UK date input show (empty strings for empty boxes)."""
    shown = []
    for part in range(3):
        tag = re.search(rf'<input[^>]*name="{name}_{part}"[^>]*>', page)
        assert tag, f"no box {name}_{part} on the page"
        value = re.search(r'value="([^"]*)"', tag.group(0))
        shown.append(html.unescape(value.group(1)) if value else "")
    return tuple(shown)
