"""Access rows for impact updates and escalations: the template and reporting cycles (admins), writing an update
(the group's chair and admins), reading and reviewing it, a group's history, and escalations to the Board."""

from django.utils import timezone

from cscp.impact.models import Escalation
from tests.access.matrix import ADMIN_ONLY, PostRow, Row, everyone, posts, statuses
from tests.cscp.impact.factories import (
    CycleFactory,
    EscalationFactory,
    SectionFactory,
    UpdateFactory,
    board_meeting,
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


def _decided_escalation(p, group) -> Escalation:
    return EscalationFactory(
        raised_by_group=group, status=Escalation.Status.DECIDED, decision="Recovery plan", decided_at=timezone.now()
    )


ROWS = [
    Row("impact:update-list", GROUP_PEOPLE),
    # The agreed template and reporting cycles.
    Row("impact:template", ADMIN_ONLY),
    Row("impact:section-create", ADMIN_ONLY),
    Row("impact:section-edit", ADMIN_ONLY, kwargs=lambda p: {"pk": SectionFactory().pk}),
    Row("impact:section-move", POST_ONLY, kwargs=lambda p: {"pk": SectionFactory().pk}),
    Row("impact:cycle-list", statuses(to=OVERSIGHT)),
    Row("impact:cycle-create", ADMIN_ONLY),
    Row("impact:cycle-detail", statuses(to=OVERSIGHT), kwargs=lambda p: {"pk": CycleFactory().pk}),
    Row("impact:cycle-edit", ADMIN_ONLY, kwargs=lambda p: {"pk": CycleFactory().pk}),
    # Writing an update: the group's chair (or vice-chair) and admins. The first visit shows the button that starts
    # it; only the POST of that button makes the update.
    Row(
        "impact:update-edit",
        WRITERS,
        kwargs=lambda p: {"cycle_pk": CycleFactory().pk, "group_pk": p.subgroup.pk},
        note="the chair's own group, not started",
    ),
    Row(
        "impact:update-edit",
        WRITERS,
        kwargs=lambda p: {"cycle_pk": _update(p).cycle_id, "group_pk": p.subgroup.pk},
        note="the chair's own group, started",
    ),
    Row(
        "impact:update-start",
        POST_ONLY,
        kwargs=lambda p: {"cycle_pk": CycleFactory().pk, "group_pk": p.subgroup.pk},
    ),
    Row(
        "impact:update-edit",
        ADMIN_ONLY,
        kwargs=lambda p: {"cycle_pk": CycleFactory().pk, "group_pk": p.other_subgroup.pk},
        note="another group's update",
    ),
    Row(
        "impact:update-section",
        WRITERS,
        kwargs=lambda p: {"pk": _update(p).pk, "section_pk": SectionFactory(title="Risks").pk},
        note="the chair's own group",
    ),
    Row(
        "impact:update-section",
        ADMIN_ONLY,
        kwargs=lambda p: {"pk": _other_update(p).pk, "section_pk": SectionFactory(title="Risks").pk},
        note="another group's update",
    ),
    Row("impact:update-evidence", WRITERS, kwargs=lambda p: {"pk": _update(p).pk}, note="the chair's own group"),
    Row(
        "impact:update-evidence",
        ADMIN_ONLY,
        kwargs=lambda p: {"pk": _other_update(p).pk},
        note="another group's update",
    ),
    Row("impact:update-check", WRITERS, kwargs=lambda p: {"pk": _update(p).pk}, note="the chair's own group"),
    Row("impact:update-check", ADMIN_ONLY, kwargs=lambda p: {"pk": _other_update(p).pk}, note="another group's update"),
    Row("impact:update-submit", POST_ONLY, kwargs=lambda p: {"pk": _update(p).pk}),
    # Reading and reviewing: the group's members and the oversight roles read; the Business Group reviews.
    Row(
        "impact:update-detail",
        GROUP_PEOPLE,
        kwargs=lambda p: {"pk": _update(p).pk},
        note="the chair's own group",
    ),
    Row(
        "impact:update-detail",
        statuses(to=OVERSIGHT),
        kwargs=lambda p: {"pk": _other_update(p).pk},
        note="another group's update",
    ),
    Row("impact:update-pdf", GROUP_PEOPLE, kwargs=lambda p: {"pk": _update(p).pk}, note="the chair's own group"),
    Row(
        "impact:update-pdf",
        statuses(to=OVERSIGHT),
        kwargs=lambda p: {"pk": _other_update(p).pk},
        note="another group's",
    ),
    Row("impact:update-comment", POST_ONLY, kwargs=lambda p: {"pk": _update(p).pk}),
    Row("impact:update-acknowledge", POST_ONLY, kwargs=lambda p: {"pk": _update(p).pk}),
    Row(
        "impact:update-request-changes",
        statuses(to=("admin", "business")),
        kwargs=lambda p: {"pk": submitted_update(p.subgroup).pk},
        note="a submitted update",
    ),
    Row(
        "impact:escalation-raise-from-update",
        WRITERS,
        kwargs=lambda p: {"pk": _update(p).pk},
        note="the chair's own group",
    ),
    Row(
        "impact:escalation-raise-from-update",
        ADMIN_ONLY,
        kwargs=lambda p: {"pk": _other_update(p).pk},
        note="another group's update",
    ),
    Row("impact:group-updates", GROUP_PEOPLE, kwargs=lambda p: {"pk": p.subgroup.pk}, note="the chair's own group"),
    Row(
        "impact:group-updates",
        statuses(to=OVERSIGHT),
        kwargs=lambda p: {"pk": p.other_subgroup.pk},
        note="a group the chair is not in",
    ),
    # Escalations: the raising group's members and the oversight roles read; the Board decides.
    Row("impact:escalation-list", GROUP_PEOPLE),
    Row("impact:escalation-create", WRITERS),
    Row(
        "impact:escalation-detail",
        GROUP_PEOPLE,
        kwargs=lambda p: {"pk": EscalationFactory(raised_by_group=p.subgroup).pk},
        note="raised by the chair's group",
    ),
    Row(
        "impact:escalation-detail",
        statuses(to=OVERSIGHT),
        kwargs=lambda p: {"pk": EscalationFactory(raised_by_group=p.other_subgroup).pk},
        note="raised by another group",
    ),
    # A decided escalation's page, where "Raise an action from this escalation" is offered to those who may.
    Row(
        "impact:escalation-detail",
        GROUP_PEOPLE,
        kwargs=lambda p: {"pk": _decided_escalation(p, p.subgroup).pk},
        note="decided, raised by the chair's group",
    ),
    # Raising an action from a decided escalation: admins and the raising group's chairs; those who may not see the
    # escalation get 404.
    Row(
        "impact:escalation-action-create",
        statuses(to=("admin", "chair"), s11lead=404, auditor=404, outsider=404),
        kwargs=lambda p: {"pk": _decided_escalation(p, p.subgroup).pk},
        note="raised by the chair's group",
    ),
    Row(
        "impact:escalation-action-create",
        statuses(to=("admin",), chair=404, officer=404, s11lead=404, auditor=404, outsider=404),
        kwargs=lambda p: {"pk": _decided_escalation(p, p.other_subgroup).pk},
        note="raised by another group",
    ),
    # Minuting the Board's decision: the Board's chair (not a persona here: tests/cscp/impact/test_escalations.py)
    # and the partnership team, once the meeting has been held; an ordinary Board member is refused.
    Row(
        "impact:escalation-decide",
        statuses(to=("admin",)),
        kwargs=lambda p: {"pk": EscalationFactory(raised_by_group=p.subgroup, board_meeting=board_meeting(-1)).pk},
        note="awaiting a decision, its meeting held",
    ),
    Row(
        "impact:escalation-outcome",
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

POSTS = [
    PostRow(
        "impact:section-move",
        posts(to=("admin",)),
        kwargs=lambda p: {"pk": SectionFactory().pk},
        data=lambda p: {"direction": "down"},
    ),
    # Starting a group's update for a cycle: its chair (or vice-chair) and admins.
    PostRow(
        "impact:update-start",
        posts(to=("admin", "chair")),
        kwargs=lambda p: {"cycle_pk": CycleFactory().pk, "group_pk": p.subgroup.pk},
        note="the chair's own group",
    ),
    PostRow(
        "impact:update-start",
        posts(to=("admin",)),
        kwargs=lambda p: {"cycle_pk": CycleFactory().pk, "group_pk": p.other_subgroup.pk},
        note="a group the chair is not in",
    ),
    # Submitting: the group's chair and admins; everyone else may at most read it.
    PostRow("impact:update-submit", posts(to=("admin", "chair")), kwargs=lambda p: {"pk": _update(p).pk}),
    # Commenting: the reviewers (the Business Group and admins) and the group's chair, who answers them.
    PostRow(
        "impact:update-comment",
        posts(to=("admin", "business", "chair")),
        kwargs=lambda p: {"pk": _update(p).pk},
        data=lambda p: {"comment-text": "Which audit shows this?"},
    ),
    # Acknowledging is the Business Group's own act.
    PostRow(
        "impact:update-acknowledge",
        posts(to=("business",)),
        kwargs=lambda p: {"pk": submitted_update(p.subgroup, by=p["chair"]).pk},
    ),
]
