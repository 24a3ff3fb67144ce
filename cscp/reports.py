"""The context that a report's page and its PDF are both rendered from (see docs/pdf.md)."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from cscp.models import AgencyMembership, Partnership, current_q
from cscp.selectors import groups_with_current_members


def meets_phrase(cadence: str) -> str:
    """How often a group meets, as it reads in a sentence: "Every three months" → "meets every three months".
    The first word keeps its capitals where it is an abbreviation ("ICB-led")."""
    words = cadence.strip().rstrip(".").strip()
    if not words:
        return ""
    if words.lower().startswith("meets "):
        words = words[len("meets ") :].strip()
    first = words.split()[0]
    if not (len(first) > 1 and first[:2].isupper()):
        words = words[0].lower() + words[1:]
    return f"meets {words}"


def membership_report_context() -> dict:
    """Every active group with the people who belong to it today and the agencies they are from, in a fixed number
    of queries."""
    groups = list(groups_with_current_members())
    people = {m.person_id for group in groups for m in group.current_memberships}
    agencies: dict[int, list[str]] = defaultdict(list)
    for person_id, name in (
        AgencyMembership.objects.filter(current_q(), person_id__in=people)
        .order_by("agency__name")
        .values_list("person_id", "agency__name")
        .distinct()
    ):
        agencies[person_id].append(name)
    for group in groups:
        group.meets = meets_phrase(group.meeting_cadence)
        for membership in group.current_memberships:
            membership.agencies = agencies.get(membership.person_id, [])
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
