"""Access rows for the partnership's structure: settings, districts, agencies, groups, meetings, the business
plan and its priorities, and themes."""

from cscp.models import BusinessPlan, District, Priority, Theme
from tests.access.matrix import ADMIN_ONLY, Row, statuses
from tests.conftest import PERSONAS
from tests.factories import BusinessPlanFactory, DistrictFactory, PriorityFactory, ThemeFactory

OVERSIGHT = ("admin", "board", "business", "scrutineer")
# Anyone with a membership or an oversight role reads the plan, the themes and the lists of what they belong to.
READERS = statuses(to=tuple(p for p in PERSONAS if p != "outsider"))


def _plan(p) -> BusinessPlan:
    return BusinessPlan.objects.first() or BusinessPlanFactory()


def _priority(p) -> Priority:
    return Priority.objects.first() or PriorityFactory(plan=_plan(p), number=1)


def _theme(p) -> Theme:
    return ThemeFactory(name="Neglect")


def _district(p) -> District:
    return DistrictFactory(name="Carlisle")


ROWS = [
    Row("cscp:manage", ADMIN_ONLY),
    Row("cscp:partnership-edit", ADMIN_ONLY),
    Row("cscp:district-list", ADMIN_ONLY),
    Row("cscp:district-create", ADMIN_ONLY),
    Row("cscp:district-edit", ADMIN_ONLY, kwargs=lambda p: {"pk": _district(p).pk}),
    # Agencies: the list shows only what each person may see (nothing at all for the chair, who has no agency).
    Row("cscp:agency-list", READERS),
    Row("cscp:agency-create", ADMIN_ONLY),
    Row(
        "cscp:agency-detail",
        statuses(to=(*OVERSIGHT, "s11lead")),
        kwargs=lambda p: {"pk": p.agency.pk},
        note="the s11lead's own agency",
    ),
    Row(
        "cscp:agency-detail",
        statuses(to=(*OVERSIGHT, "officer", "auditor")),
        kwargs=lambda p: {"pk": p.other_agency.pk},
        note="an agency the s11lead is not in",
    ),
    Row("cscp:agency-edit", ADMIN_ONLY, kwargs=lambda p: {"pk": p.agency.pk}),
    # Groups: members see their own; the oversight roles see all.
    Row("cscp:group-list", READERS),
    Row("cscp:group-create", ADMIN_ONLY),
    Row(
        "cscp:group-detail",
        statuses(to=(*OVERSIGHT, "chair", "officer")),
        kwargs=lambda p: {"pk": p.subgroup.pk},
        note="the chair's own group",
    ),
    Row(
        "cscp:group-detail",
        statuses(to=OVERSIGHT),
        kwargs=lambda p: {"pk": p.other_subgroup.pk},
        note="a group the chair is not in",
    ),
    Row("cscp:group-edit", ADMIN_ONLY, kwargs=lambda p: {"pk": p.subgroup.pk}),
    Row("cscp:meeting-create", ADMIN_ONLY, kwargs=lambda p: {"pk": p.subgroup.pk}, note="even the chair's own group"),
    # The business plan and themes.
    Row("cscp:plan-list", READERS),
    Row("cscp:plan-detail", READERS, kwargs=lambda p: {"pk": _plan(p).pk}),
    Row("cscp:plan-create", ADMIN_ONLY),
    Row("cscp:plan-edit", ADMIN_ONLY, kwargs=lambda p: {"pk": _plan(p).pk}),
    Row("cscp:priority-create", ADMIN_ONLY, kwargs=lambda p: {"pk": _plan(p).pk}),
    Row("cscp:priority-edit", ADMIN_ONLY, kwargs=lambda p: {"pk": _priority(p).pk}),
    Row("cscp:theme-list", READERS),
    Row("cscp:theme-create", ADMIN_ONLY),
    Row("cscp:theme-edit", ADMIN_ONLY, kwargs=lambda p: {"pk": _theme(p).pk}),
]
