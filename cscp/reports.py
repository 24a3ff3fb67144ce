"""The context that a report's page and its PDF are both rendered from (see docs/pdf.md)."""

from __future__ import annotations

from django.utils import timezone

from cscp.models import Partnership
from cscp.selectors import groups_with_current_members


def membership_report_context() -> dict:
    """Every active group with the people who belong to it today, in a fixed number of queries."""
    groups = list(groups_with_current_members())
    people = {m.person_id for group in groups for m in group.current_memberships}
    return {
        "partnership": Partnership.load(),
        "report_title": "Membership of the partnership's groups",
        "report_date": timezone.localdate(),
        "groups": groups,
        "group_count": len(groups),
        "membership_count": sum(len(group.current_memberships) for group in groups),
        "people_count": len(people),
        # The PDF lists these in its contents when it runs to more than a few pages.
        "contents": [{"anchor": f"group-{group.pk}", "title": group.name} for group in groups],
    }
