"""Access rows for the action tracker: the lists and downloads, raising an action, an action's own pages and each
step of its life, and the evidence download.

The action the rows are about is owned by the chair's group (p.subgroup) with nobody named: the oversight roles
and the group's members may see it (others get 404, as its existence is not their business); the admin and the
group's chair may change it, sign it off, test its impact and close it (those who may see it but not do that get
403).
"""

from django.core.files.base import ContentFile

from cscp.actions import services
from cscp.actions.models import Action
from tests.access.matrix import SIGNED_IN, Row, statuses
from tests.conftest import PERSONAS
from tests.cscp.actions.helpers import days, today

OVERSIGHT = ("admin", "board", "business", "scrutineer")
IN_THE_PARTNERSHIP = statuses(to=tuple(p for p in PERSONAS if p != "outsider"))
# Seeing an action: 404 for those who may not know of it.
HIDDEN = {"s11lead": 404, "auditor": 404, "outsider": 404}
SEES = statuses(to=(*OVERSIGHT, "chair", "officer"), **HIDDEN)
CHANGES = statuses(to=("admin", "chair"), **HIDDEN)
# Signing off and recording the impact: a second pair of eyes, so the Business Group too.
SIGNS_OFF = statuses(to=("admin", "chair", "business"), **HIDDEN)


def _action(p, **values) -> Action:
    values.setdefault("owner_group", p.subgroup)
    return services.action_create(
        actor=p["admin"], title="Review the threshold guidance", source=Action.Source.AUDIT, due_date=days(30), **values
    )


def _completed(p) -> Action:
    return services.action_complete(
        actor=p["admin"], action=_action(p), completed_on=today(), evidence="Guidance published"
    )


def _signed_off(p) -> Action:
    # Completed by the admin, so signed off by someone else.
    return services.action_sign_off(actor=p["chair"], action=_completed(p))


def _closed(p) -> Action:
    return services.action_close(actor=p["admin"], action=_action(p), reason="Superseded")


def _with_evidence_file(p) -> Action:
    return services.action_complete(
        actor=p["admin"],
        action=_action(p),
        completed_on=today(),
        evidence="See the register",
        evidence_file=ContentFile(b"register", name="register.txt"),
    )


ROWS = [
    # Lists: anyone with a part in the partnership has a tracker (showing what they may see); an outsider named on
    # no action has none.
    Row("actions:list", IN_THE_PARTNERSHIP),
    Row("actions:export-csv", IN_THE_PARTNERSHIP),
    Row("actions:export-xlsx", IN_THE_PARTNERSHIP),
    Row("actions:mine", SIGNED_IN),
    Row(
        "actions:group",
        statuses(to=(*OVERSIGHT, "chair", "officer")),
        kwargs=lambda p: {"pk": p.subgroup.pk},
        note="the chair's own group",
    ),
    Row(
        "actions:group",
        statuses(to=OVERSIGHT),
        kwargs=lambda p: {"pk": p.other_subgroup.pk},
        note="another group",
    ),
    Row(
        "actions:agency",
        statuses(to=(*OVERSIGHT, "s11lead")),
        kwargs=lambda p: {"pk": p.agency.pk},
        note="the s11lead's own agency",
    ),
    # Raising: admins, and chairs for their own groups.
    Row("actions:create", statuses(to=("admin", "chair"))),
    # One action.
    Row("actions:detail", SEES, kwargs=lambda p: {"pk": _action(p).pk}),
    Row("actions:detail", SEES, kwargs=lambda p: {"pk": _closed(p).pk}, note="closed"),
    Row(
        "actions:detail",
        statuses(to=(*OVERSIGHT, "s11lead"), chair=404, officer=404, auditor=404, outsider=404),
        kwargs=lambda p: {"pk": _action(p, owner_group=p.other_subgroup, owner_person=p["s11lead"]).pk},
        note="another group's, naming the s11lead",
    ),
    Row(
        "actions:detail",
        statuses(404, to=PERSONAS),
        kwargs=lambda p: {"pk": 999999},
        note="an action that does not exist",
    ),
    Row("actions:edit", CHANGES, kwargs=lambda p: {"pk": _action(p).pk}),
    Row(
        "actions:edit",
        statuses(to=("admin", "s11lead"), chair=404, officer=404, auditor=404, outsider=404),
        kwargs=lambda p: {"pk": _action(p, owner_group=p.other_subgroup, owner_person=p["s11lead"]).pk},
        note="another group's, naming the s11lead, who may change it",
    ),
    Row("actions:note-add", CHANGES, kwargs=lambda p: {"pk": _action(p).pk}),
    Row("actions:complete", CHANGES, kwargs=lambda p: {"pk": _action(p).pk}),
    Row("actions:sign-off", SIGNS_OFF, kwargs=lambda p: {"pk": _completed(p).pk}),
    Row(
        "actions:sign-off",
        statuses(to=("admin", "business"), chair=404, officer=404, s11lead=404, auditor=404, outsider=404),
        kwargs=lambda p: {"pk": _action(p, owner_group=p.other_subgroup).pk},
        note="another group's: only its own chair (or an admin, or the Business Group)",
    ),
    Row("actions:impact", SIGNS_OFF, kwargs=lambda p: {"pk": _signed_off(p).pk}),
    Row("actions:close", CHANGES, kwargs=lambda p: {"pk": _action(p).pk}),
    Row("actions:reopen", CHANGES, kwargs=lambda p: {"pk": _closed(p).pk}),
    # The evidence file streams to whoever may see the action, and to nobody else.
    Row("actions:evidence", SEES, kwargs=lambda p: {"pk": _with_evidence_file(p).pk}),
    Row(
        "actions:evidence",
        statuses(404, to=PERSONAS),
        kwargs=lambda p: {"pk": _action(p).pk},
        note="an action with no evidence file",
    ),
]
