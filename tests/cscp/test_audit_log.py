"""The audit log page: who did what, when and from where, for partnership admins."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cscp.models import AuditEvent
from tests.cscp.structure_helpers import date_fields, date_shown, error_beside

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def shown(response) -> list[str]:
    """The action codes in the table (the filter's select lists codes too)."""
    return [e.action for e in response.context["page"].object_list]


def event(action: str, *, actor=None, when: datetime.datetime | None = None, **kwargs) -> AuditEvent:
    return AuditEvent.objects.create(action=action, actor=actor, created_at=when or timezone.now(), **kwargs)


def test_anonymous_visitors_are_sent_to_sign_in(client_for):
    assert client_for(None).get(reverse("cscp:audit-log")).status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "chair", "board", "scrutineer", "business"])
def test_only_partnership_admins_read_the_audit_log(client_for, persona):
    assert client_for(persona).get(reverse("cscp:audit-log")).status_code == 403


def test_an_admin_sees_who_did_what_when_and_from_where(client_for, partnership):
    chair = partnership["chair"]
    event(
        "cscp.person.invited",
        actor=partnership["admin"],
        object_type="cscp.person",
        object_id=str(chair.pk),
        object_repr=str(chair),
        ip_address="192.0.2.10",
        when=timezone.make_aware(datetime.datetime(2026, 3, 27, 14, 5)),
    )
    event("cscp.auth.sign_in_failed", message="Failed sign-in for “nobody”")

    response = client_for("admin").get(reverse("cscp:audit-log"))

    assert response.status_code == 200
    page = text_of(response)
    assert re.search(
        r"27 Mar 2026, 14:05.*?" + re.escape(partnership["admin"].get_full_name()) + r".*?Person invited"
        r".*?cscp\.person\.invited.*?" + re.escape(chair.get_full_name()) + r".*?192\.0\.2\.10",
        page,
    )
    assert reverse("cscp:person-detail", args=[chair.pk]) in page
    assert "Sign-in failed" in page and "The service" in page and "Failed sign-in for “nobody”" in page


def test_codes_without_a_label_are_spelt_out(client_for, partnership):
    event("audits.section11_return.submitted", actor=partnership["s11lead"])
    assert "Section11 return submitted" in text_of(client_for("admin").get(reverse("cscp:audit-log")))


def test_the_newest_events_come_first(client_for, partnership):
    event("cscp.old.thing", when=timezone.now() - datetime.timedelta(days=3))
    event("cscp.new.thing")
    actions = shown(client_for("admin").get(reverse("cscp:audit-log")))
    assert actions.index("cscp.new.thing") < actions.index("cscp.old.thing")


def test_the_action_filter_offers_each_code_and_its_prefixes(client_for, partnership):
    event("cscp.person.invited")
    event("cscp.person.deactivated")
    event("cscp.auth.signed_in")
    client = client_for("admin")

    page = text_of(client.get(reverse("cscp:audit-log")))
    for value in ("cscp", "cscp.person", "cscp.person.invited", "cscp.auth.signed_in"):
        assert f'<option value="{value}"' in page

    response = client.get(reverse("cscp:audit-log"), {"action": "cscp.person"})
    assert sorted(shown(response)) == ["cscp.person.deactivated", "cscp.person.invited"]
    assert "2 events found" in text_of(response)


def test_the_who_filter_matches_names_and_sign_in_names(client_for, partnership):
    chair, board = partnership["chair"], partnership["board"]
    event("cscp.by.chair", actor=chair)
    event("cscp.by.board", actor=board)
    client = client_for("admin")

    for who in (chair.first_name, chair.get_full_name(), "CHAIR"):
        actions = shown(client.get(reverse("cscp:audit-log"), {"who": who}))
        assert "cscp.by.chair" in actions, who
        assert "cscp.by.board" not in actions, who


def test_the_date_filters_keep_events_between_two_days(client_for, partnership):
    def at(day):
        return timezone.make_aware(datetime.datetime(2026, 3, day, 12))

    event("cscp.day.one", when=at(1))
    event("cscp.day.ten", when=at(10))
    event("cscp.day.twenty", when=at(20))

    response = client_for("admin").get(
        reverse("cscp:audit-log"),
        {**date_fields("date_from", datetime.date(2026, 3, 5)), **date_fields("date_to", datetime.date(2026, 3, 10))},
    )

    assert shown(response) == ["cscp.day.ten"]
    page = response.content.decode()
    assert date_shown(page, "date_from") == ("5", "3", "2026") and date_shown(page, "date_to") == ("10", "3", "2026")


def test_bad_filter_values_are_explained_not_a_crash(client_for, partnership):
    event("cscp.day.one")
    response = client_for("admin").get(
        reverse("cscp:audit-log"),
        {**date_fields("date_from", text=("yesterday", "", "")), "action": "no.such", "page": "-1"},
    )
    assert response.status_code == 200


def test_a_bad_date_is_explained_beside_it_and_not_applied(client_for, partnership):
    event("cscp.day.one", when=timezone.make_aware(datetime.datetime(2026, 3, 1, 12)))
    event("cscp.day.ten", when=timezone.make_aware(datetime.datetime(2026, 3, 10, 12)))

    response = client_for("admin").get(
        reverse("cscp:audit-log"),
        {**date_fields("date_from", text=("31", "2", "2026")), **date_fields("date_to", datetime.date(2026, 3, 5))},
    )

    assert response.status_code == 200
    assert error_beside(response, "date_from") == ["Enter a real date, for example 27 3 2026"]
    assert date_shown(response.content.decode(), "date_from") == ("31", "2", "2026")
    # The good date still applies.
    assert shown(response) == ["cscp.day.one"]


def test_a_date_typed_in_part_is_explained_not_ignored_silently(client_for, partnership):
    event("cscp.day.one")
    response = client_for("admin").get(reverse("cscp:audit-log"), date_fields("date_to", text=("", "3", "2026")))
    assert response.status_code == 200
    assert error_beside(response, "date_to") == ["Enter the to date in full, for example 31 3 2026, or leave it empty"]
    assert "cscp.day.one" in shown(response)


def test_an_empty_result_says_so(client_for, partnership):
    event("cscp.person.invited")
    page = text_of(client_for("admin").get(reverse("cscp:audit-log"), {"who": "nobody-at-all"}))
    assert "No events found" in page


def test_the_log_shows_50_events_a_page_keeping_the_filters(client_for, partnership):
    for n in range(60):
        event("cscp.bulk.event", message=f"number {n:02}", when=timezone.now() - datetime.timedelta(minutes=n))

    client = client_for("admin")
    first = text_of(client.get(reverse("cscp:audit-log"), {"action": "cscp.bulk"}))
    second = text_of(client.get(reverse("cscp:audit-log"), {"action": "cscp.bulk", "page": 2}))

    assert "number 49" in first and "number 50" not in first
    assert "number 50" in second and "number 59" in second
    assert "action=cscp.bulk&amp;page=2" in first


@pytest.mark.parametrize("events", [10, 200])
def test_the_log_costs_the_same_queries_however_many_events(client_for, partnership, django_assert_num_queries, events):
    people = [partnership[name] for name in ("chair", "board", "s11lead", "auditor")]
    for n in range(events):
        event(
            f"bench.kind{n % 7}.done", actor=people[n % 4], object_type="cscp.person", object_id=str(people[n % 4].pk)
        )
    client = client_for("admin")
    client.get(reverse("cscp:audit-log"))  # a signed-in admin's session is already under way
    # Session, person, their roles (2), the action codes, count, page with actors, partnership, the navigation's
    # unread notifications, and the session's renewal (3).
    with django_assert_num_queries(12):
        response = client.get(reverse("cscp:audit-log"), {"action": "bench"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(events, 50)
