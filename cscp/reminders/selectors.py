"""What reminders read beyond the selectors of cscp.actions and cscp.impact. Who they go to comes from the core's
`chairs_by_group` and `people_by_group`.

What the reminders are about is read through the selectors of cscp.actions and cscp.impact, so "due", "late" and
"overdue" mean the same in a reminder as on the page it links to.
"""

from __future__ import annotations

import datetime

from cscp.models import Group, Meeting


def next_board_meeting(today: datetime.date) -> Meeting | None:
    """The first Board meeting on or after today: where an escalation with no meeting of its own will go."""
    return (
        Meeting.objects.filter(group__kind=Group.Kind.BOARD, group__is_active=True, date__gte=today)
        .order_by("date", "pk")
        .first()
    )
