"""Access rows for impact updates and escalations: the template and reporting cycles (admins), writing an update
(the group's chair and admins), reading and reviewing it, a group's history, and escalations to the Board."""

from django.utils import timezone

from cscp.models import Escalation
from tests.access.matrix import ADMIN_ONLY, Row, everyone, statuses
from tests.cscp.impact.factories import (
    CycleFactory,
    EscalationFactory,
    SectionFactory,
    UpdateFactory,
    submitted_update,
)

OVERSIGHT = ("admin", "board", "business", "scrutineer")
# The subgroup's own people: its chair and its officer.
SUBGROUP = ("chair", "officer")
# Anyone in a group, or reading across the partnership, has the list pages (showing what they may see).
GROUP_PEOPLE = statuses(to=(*OVERSIGHT, *SUBGROUP))
WRITERS = statuses(to=("admin", "chair"))
POST_ONLY = everyone(405, anonymous=302)


def _update(p, group=None):
    SectionFactory(title="What we did")
    return UpdateFactory(group=group or p.subgroup, cycle=CycleFactory())


def _other_update(p):
    return _update(p, p.other_subgroup)


ROWS = [
    Row("cscp:update-list", GROUP_PEOPLE),
    # The agreed template and reporting cycles.
    Row("cscp:impact-template", ADMIN_ONLY),
    Row("cscp:impact-section-create", ADMIN_ONLY),
    Row("cscp:impact-section-edit", ADMIN_ONLY, kwargs=lambda p: {"pk": SectionFactory().pk}),
    Row("cscp:impact-section-move", POST_ONLY, kwargs=lambda p: {"pk": SectionFactory().pk}),
    Row("cscp:cycle-list", statuses(to=OVERSIGHT)),
    Row("cscp:cycle-create", ADMIN_ONLY),
    Row("cscp:cycle-detail", statuses(to=OVERSIGHT), kwargs=lambda p: {"pk": CycleFactory().pk}),
    Row("cscp:cycle-edit", ADMIN_ONLY, kwargs=lambda p: {"pk": CycleFactory().pk}),
    # Writing an update: the group's chair (or vice-chair) and admins; the first visit starts it.
    Row(
        "cscp:update-edit",
        WRITERS,
        kwargs=lambda p: {"cycle_pk": CycleFactory().pk, "group_pk": p.subgroup.pk},
        note="the chair's own group",
    ),
    Row(
        "cscp:update-edit",
        ADMIN_ONLY,
        kwargs=lambda p: {"cycle_pk": CycleFactory().pk, "group_pk": p.other_subgroup.pk},
        note="another group's update",
    ),
    Row(
        "cscp:update-section",
        WRITERS,
        kwargs=lambda p: {"pk": _update(p).pk, "section_pk": SectionFactory(title="Risks").pk},
        note="the chair's own group",
    ),
    Row(
        "cscp:update-section",
        ADMIN_ONLY,
        kwargs=lambda p: {"pk": _other_update(p).pk, "section_pk": SectionFactory(title="Risks").pk},
        note="another group's update",
    ),
    Row("cscp:update-evidence", WRITERS, kwargs=lambda p: {"pk": _update(p).pk}, note="the chair's own group"),
    Row(
        "cscp:update-evidence", ADMIN_ONLY, kwargs=lambda p: {"pk": _other_update(p).pk}, note="another group's update"
    ),
    Row("cscp:update-check", WRITERS, kwargs=lambda p: {"pk": _update(p).pk}, note="the chair's own group"),
    Row("cscp:update-check", ADMIN_ONLY, kwargs=lambda p: {"pk": _other_update(p).pk}, note="another group's update"),
    Row("cscp:update-submit", POST_ONLY, kwargs=lambda p: {"pk": _update(p).pk}),
    # Reading and reviewing: the group's members and the oversight roles read; the Business Group reviews.
    Row(
        "cscp:update-detail",
        GROUP_PEOPLE,
        kwargs=lambda p: {"pk": _update(p).pk},
        note="the chair's own group",
    ),
    Row(
        "cscp:update-detail",
        statuses(to=OVERSIGHT),
        kwargs=lambda p: {"pk": _other_update(p).pk},
        note="another group's update",
    ),
    Row("cscp:update-pdf", GROUP_PEOPLE, kwargs=lambda p: {"pk": _update(p).pk}, note="the chair's own group"),
    Row(
        "cscp:update-pdf", statuses(to=OVERSIGHT), kwargs=lambda p: {"pk": _other_update(p).pk}, note="another group's"
    ),
    Row("cscp:update-comment", POST_ONLY, kwargs=lambda p: {"pk": _update(p).pk}),
    Row("cscp:update-acknowledge", POST_ONLY, kwargs=lambda p: {"pk": _update(p).pk}),
    Row(
        "cscp:update-request-changes",
        statuses(to=("admin", "business")),
        kwargs=lambda p: {"pk": submitted_update(p.subgroup).pk},
        note="a submitted update",
    ),
    Row(
        "cscp:escalation-raise-from-update",
        WRITERS,
        kwargs=lambda p: {"pk": _update(p).pk},
        note="the chair's own group",
    ),
    Row(
        "cscp:escalation-raise-from-update",
        ADMIN_ONLY,
        kwargs=lambda p: {"pk": _other_update(p).pk},
        note="another group's update",
    ),
    Row("cscp:group-updates", GROUP_PEOPLE, kwargs=lambda p: {"pk": p.subgroup.pk}, note="the chair's own group"),
    Row(
        "cscp:group-updates",
        statuses(to=OVERSIGHT),
        kwargs=lambda p: {"pk": p.other_subgroup.pk},
        note="a group the chair is not in",
    ),
    # Escalations: the raising group's members and the oversight roles read; the Board decides.
    Row("cscp:escalation-list", GROUP_PEOPLE),
    Row("cscp:escalation-create", WRITERS),
    Row(
        "cscp:escalation-detail",
        GROUP_PEOPLE,
        kwargs=lambda p: {"pk": EscalationFactory(raised_by_group=p.subgroup).pk},
        note="raised by the chair's group",
    ),
    Row(
        "cscp:escalation-detail",
        statuses(to=OVERSIGHT),
        kwargs=lambda p: {"pk": EscalationFactory(raised_by_group=p.other_subgroup).pk},
        note="raised by another group",
    ),
    Row(
        "cscp:escalation-decide",
        statuses(to=("admin", "board")),
        kwargs=lambda p: {"pk": EscalationFactory(raised_by_group=p.subgroup).pk},
        note="awaiting a decision",
    ),
    Row(
        "cscp:escalation-outcome",
        statuses(to=("admin", "board")),
        kwargs=lambda p: {
            "pk": EscalationFactory(
                raised_by_group=p.subgroup,
                status=Escalation.Status.DECIDED,
                decision="Ask the ICB for a recovery plan",
                decided_at=timezone.now(),
            ).pk
        },
        note="decided, outcome awaited",
    ),
]
