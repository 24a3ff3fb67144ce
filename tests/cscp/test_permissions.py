"""Roles come from memberships in force today; a revoked role stops working at once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from cscp.models import Group, GroupMembership
from cscp.pages import get_object_for_user
from cscp.permissions import (
    forget_roles,
    is_board_member,
    is_business_group_member,
    is_group_chair,
    is_group_member,
    is_partnership_admin,
    is_scrutineer,
)
from cscp.selectors import agencies_visible_to, groups_visible_to
from tests.factories import GroupMembershipFactory, PersonFactory


def test_each_persona_holds_the_role_its_memberships_give(partnership):
    p = partnership
    assert is_partnership_admin(p["admin"]) and not is_partnership_admin(p["chair"])
    assert is_scrutineer(p["scrutineer"]) and not is_scrutineer(p["board"])
    assert is_board_member(p["board"]) and not is_board_member(p["business"])
    assert is_business_group_member(p["business"])
    assert is_group_chair(p["chair"], p.subgroup) and not is_group_chair(p["chair"], p.other_subgroup)
    assert is_group_member(p["officer"], p.subgroup) and not is_group_chair(p["officer"], p.subgroup)
    assert not any(pred(p["outsider"]) for pred in (is_partnership_admin, is_scrutineer, is_board_member))


def test_a_membership_that_has_ended_or_not_started_gives_no_role(db):
    group = Group.objects.create(name="Team", kind=Group.Kind.TEAM)
    today = timezone.localdate()
    ended = PersonFactory()
    GroupMembershipFactory(
        person=ended,
        group=group,
        start_date=today - datetime.timedelta(days=30),
        end_date=today - datetime.timedelta(days=1),
    )
    future = PersonFactory()
    GroupMembershipFactory(person=future, group=group, start_date=today + datetime.timedelta(days=1))
    assert not is_partnership_admin(ended)
    assert not is_partnership_admin(future)


def test_a_role_ended_today_still_counts_until_the_day_is_over(db):
    group = Group.objects.create(name="Team", kind=Group.Kind.TEAM)
    person = PersonFactory()
    GroupMembershipFactory(person=person, group=group, end_date=timezone.localdate())
    assert is_partnership_admin(person)


def test_a_revoked_role_stops_working_once_the_cache_is_dropped(partnership):
    chair = partnership["chair"]
    assert is_group_chair(chair, partnership.subgroup)
    GroupMembership.objects.filter(person=chair).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    forget_roles(chair)
    assert not is_group_chair(chair, partnership.subgroup)


def test_the_fetch_helper_hides_what_a_person_may_not_know_of_and_refuses_what_they_may_not_do(partnership):
    chair = partnership["chair"]
    with pytest.raises(Http404):
        get_object_for_user(
            chair, "cscp.manage_partnership", Group, view_perm="cscp.view_group", pk=partnership.other_subgroup.pk
        )
    with pytest.raises(PermissionDenied):
        get_object_for_user(
            chair, "cscp.manage_partnership", Group, view_perm="cscp.view_group", pk=partnership.subgroup.pk
        )
    with pytest.raises(Http404):
        get_object_for_user(chair, "cscp.view_group", Group, pk=999999)
    with pytest.raises(Http404):
        get_object_for_user(chair, "cscp.view_group", Group, pk="not-a-number")
    assert get_object_for_user(chair, "cscp.view_group", Group, pk=partnership.subgroup.pk) == partnership.subgroup


def test_selectors_return_only_what_a_person_may_see(partnership):
    p = partnership
    assert set(groups_visible_to(p["chair"])) == {p.subgroup}
    assert set(groups_visible_to(p["outsider"])) == set()
    assert p.other_subgroup in set(groups_visible_to(p["business"]))
    assert set(agencies_visible_to(p["s11lead"])) == {p.agency}
    assert set(agencies_visible_to(p["outsider"])) == set()


def test_roles_are_read_in_one_pair_of_queries_per_request(partnership, django_assert_num_queries):
    chair = partnership["chair"]
    forget_roles(chair)
    with django_assert_num_queries(2):
        for _ in range(10):
            is_group_chair(chair, partnership.subgroup)
            is_partnership_admin(chair)
            is_board_member(chair)
