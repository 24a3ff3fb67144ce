"""What the action tracker adds to pages the core composes: the "Actions" navigation item and the home page's
"Your actions" section. Imported by cscp.apps at start-up, which also registers the tracker's permissions."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cscp import navigation
from cscp.actions import rules as action_rules  # noqa: F401 - registers the permissions
from cscp.actions import selectors
from cscp.actions import status as st
from cscp.actions.models import Action
from cscp.navigation import NavItem
from cscp.permissions import chaired_group_ids, is_business_group_member, is_scrutineer
from cscp.sections import Section, board_pack_summaries, home_sections

# The home page lists a few; the counts and links lead to the rest.
HOME_LIMIT = 5


def your_actions(request) -> dict | None:
    """The person's own open actions and, for a chair, their groups' overdue and at-risk ones, with counts and
    links. One query for every count; one more for each list that has something in it. Nothing for someone with
    none of either."""
    user = request.user
    today = timezone.localdate()
    chaired = chaired_group_ids(user)
    mine = Q(owner_person=user)
    theirs = Q(owner_group_id__in=chaired) & ~mine
    overdue, at_risk = Q(status=st.OVERDUE), Q(status=st.AT_RISK)
    relevant = selectors.open_actions(Action.objects.filter(mine | Q(owner_group_id__in=chaired)))
    counted = (
        selectors.with_status(relevant, today)
        .order_by()
        .values("owner_group_id", "owner_group__name")
        .annotate(
            mine_total=Count("pk", filter=mine),
            mine_overdue=Count("pk", filter=mine & overdue),
            mine_at_risk=Count("pk", filter=mine & at_risk),
            group_overdue=Count("pk", filter=theirs & overdue),
            group_at_risk=Count("pk", filter=theirs & at_risk),
        )
        .order_by("owner_group__name")
    )
    rows = list(counted)
    mine_counts = {
        "total": sum(row["mine_total"] for row in rows),
        "overdue": sum(row["mine_overdue"] for row in rows),
        "at_risk": sum(row["mine_at_risk"] for row in rows),
    }
    groups = [
        {
            "owner_group_id": row["owner_group_id"],
            "owner_group__name": row["owner_group__name"],
            "overdue": row["group_overdue"],
            "at_risk": row["group_at_risk"],
        }
        for row in rows
        if row["owner_group_id"] in chaired and (row["group_overdue"] or row["group_at_risk"])
    ]
    if not mine_counts["total"] and not groups:
        return None
    context: dict = {"mine_counts": mine_counts, "mine": [], "groups": groups, "pressing": []}
    if mine_counts["total"]:
        context["mine"] = _tagged(
            selectors.with_status(
                selectors.with_owners(selectors.open_actions(Action.objects.filter(mine))), today
            ).order_by("status_rank", "due_date", "pk")[:HOME_LIMIT]
        )
    if groups:
        pressing = selectors.overdue_and_at_risk(today, Action.objects.filter(theirs))
        context["pressing"] = _tagged(pressing[:HOME_LIMIT])
    return context


def _tagged(actions) -> list[Action]:
    rows = list(actions)
    for action in rows:
        action.status_tag = st.tag(action.status)
    return rows


def overdue_across_the_partnership(request) -> dict | None:
    """For the Independent Scrutineer and the Business Group: how many open actions are overdue, by the group or
    agency that owns them, each linking to the tracker filtered to them. One query however many actions."""
    user = request.user
    if not (is_scrutineer(user) or is_business_group_member(user)):
        return None
    overdue = selectors.with_status(selectors.open_actions(), timezone.localdate()).filter(status=st.OVERDUE)
    rows = list(
        overdue.order_by()
        .values("owner_group_id", "owner_group__name", "owner_agency_id", "owner_agency__name")
        .annotate(count=Count("pk"))
        .order_by("owner_group__name", "owner_agency__name")
    )
    tracker = reverse("actions:list")
    owners = []
    for row in rows:
        if row["owner_group_id"]:
            name, query = row["owner_group__name"], f"owner_group={row['owner_group_id']}"
        elif row["owner_agency_id"]:
            name, query = row["owner_agency__name"], f"owner_agency={row['owner_agency_id']}"
        else:
            name, query = "A named person", ""
        url = f"{tracker}?status={st.OVERDUE}" + (f"&{query}" if query else "")
        owners.append({"name": name, "count": row["count"], "url": url})
    return {
        "total": sum(owner["count"] for owner in owners),
        "owners": owners,
        "url": f"{tracker}?status={st.OVERDUE}",
    }


home_sections.register(
    Section(
        key="actions.overdue_across",
        title="Overdue actions",
        template="actions/home/_overdue_across.html",
        context=overdue_across_the_partnership,
        order=31,
    )
)


def overdue_and_at_risk_by_owner(*, meeting, previous=None, **kwargs) -> dict:
    """The Board pack's executive summary: open actions overdue or at risk today, counted by owning group (or
    agency, where no group owns it), in one query."""
    today = timezone.localdate()
    rows = (
        selectors.with_status(selectors.open_actions(), today)
        .filter(status__in=(st.OVERDUE, st.AT_RISK))
        .order_by()
        .values("owner_group__name", "owner_agency__name")
        .annotate(overdue=Count("pk", filter=Q(status=st.OVERDUE)), at_risk=Count("pk", filter=Q(status=st.AT_RISK)))
    )
    owners = sorted(
        (
            {
                "name": row["owner_group__name"] or f"{row['owner_agency__name'] or 'No owner'} (agency)",
                "overdue": row["overdue"],
                "at_risk": row["at_risk"],
            }
            for row in rows
        ),
        key=lambda owner: (-owner["overdue"], -owner["at_risk"], owner["name"]),
    )
    overdue = sum(owner["overdue"] for owner in owners)
    at_risk = sum(owner["at_risk"] for owner in owners)
    return {
        "owners": owners,
        "overdue": overdue,
        "at_risk": at_risk,
        "figures": {"overdue": overdue, "at_risk": at_risk},
    }


board_pack_summaries.register(
    Section(
        key="actions.overdue_by_owner",
        title="Actions overdue and at risk",
        template="actions/boardpack/_summary.html",
        context=overdue_and_at_risk_by_owner,
        order=30,
    )
)
home_sections.register(
    Section(
        key="cscp.actions",
        title="Your actions",
        template="actions/_home_section.html",
        context=your_actions,
        order=30,
    )
)

navigation.register(NavItem("Actions", "actions:list", selectors.may_see_some_actions, order=20))
