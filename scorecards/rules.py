"""Who may see and change scorecards, as `rules` permissions computed from memberships.

- See the scorecards: anyone with a membership in the partnership (and admins).
- Enter an indicator's values and write its commentary: its responsible officer, and admins.
- Challenge an indicator's performance: the Business Group, the Board, and admins. Respond to a challenge:
  the indicator's responsible officer, the challenge's author (a follow-up), and admins.
- Create and change indicators, scorecards, targets and milestones; import the DfE's statistics; generate
  reports: admins.
- Import local values from a file: admins and data officers (any indicator), responsible officers (their own
  indicators only: other rows are refused by the importer).
- See an import's progress and result: the person who started it, and admins.

The "responsible for any indicator" question costs one query per request (cached on the person).
"""

from __future__ import annotations

import rules

from cscp.models import AgencyMembership
from cscp.permissions import (
    has_agency_role_anywhere,
    has_any_membership,
    is_board_member,
    is_business_group_member,
    is_partnership_admin,
)

is_data_officer = has_agency_role_anywhere(AgencyMembership.Role.DATA_OFFICER)


def responsible_indicator_ids(user) -> frozenset[int]:
    """The ids of the active indicators a person is the responsible officer for (cached for the request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_scorecards_responsible", None)
    if cached is None:
        from scorecards.models import Indicator

        cached = frozenset(
            Indicator.objects.filter(responsible_officer=user, is_active=True).values_list("pk", flat=True)
        )
        user._scorecards_responsible = cached
    return cached


@rules.predicate
def is_responsible_for_any_indicator(user) -> bool:
    return bool(responsible_indicator_ids(user))


@rules.predicate
def is_responsible_officer(user, indicator) -> bool:
    return (
        indicator is not None
        and indicator.responsible_officer_id is not None
        and indicator.responsible_officer_id == user.pk
    )


@rules.predicate
def is_challenge_officer(user, challenge) -> bool:
    return challenge is not None and challenge.indicator.responsible_officer_id == user.pk


@rules.predicate
def is_challenge_author(user, challenge) -> bool:
    return challenge is not None and challenge.author_id == user.pk


@rules.predicate
def started_the_import(user, run) -> bool:
    return run is not None and run.created_by_id == user.pk


can_view_scorecards = is_partnership_admin | has_any_membership
can_import_values = is_partnership_admin | is_data_officer | is_responsible_for_any_indicator
can_import_dfe = is_partnership_admin | is_data_officer

rules.add_perm("scorecards.view_scorecards", can_view_scorecards)
rules.add_perm("scorecards.enter_values", is_partnership_admin | is_responsible_officer)
rules.add_perm("scorecards.write_commentary", is_partnership_admin | is_responsible_officer)
rules.add_perm("scorecards.challenge", is_partnership_admin | is_business_group_member | is_board_member)
rules.add_perm("scorecards.respond_to_challenge", is_partnership_admin | is_challenge_officer | is_challenge_author)
rules.add_perm("scorecards.manage_indicators", is_partnership_admin)
rules.add_perm("scorecards.set_targets", is_partnership_admin)
rules.add_perm("scorecards.generate_reports", is_partnership_admin)
rules.add_perm("scorecards.import", can_import_values | can_import_dfe)
rules.add_perm("scorecards.import_values", can_import_values)
rules.add_perm("scorecards.import_dfe", can_import_dfe)
rules.add_perm("scorecards.view_import", is_partnership_admin | started_the_import)


def may_enter_values(user, indicator) -> bool:
    """Whether a person may enter or import this indicator's values (data officers may import any)."""
    return bool(
        is_partnership_admin(user)
        or (indicator.responsible_officer_id is not None and indicator.responsible_officer_id == user.pk)
    )


def may_import_values_for(user, indicator) -> bool:
    return may_enter_values(user, indicator) or bool(is_data_officer(user))
