"""The home page, notifications, the public statements, error pages and the headers every page carries."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.template import RequestContext, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cscp.models import GroupMembership, Notification, Partnership
from cscp.views import pages
from tests.factories import GroupFactory, GroupMembershipFactory

pytestmark = pytest.mark.django_db


def _notify(person, subject, *, url="", read=False):
    return Notification.objects.create(
        recipient=person, subject=subject, url=url, read_at=timezone.now() if read else None
    )


@pytest.fixture
def contact_email(db):
    partnership = Partnership.load()
    partnership.contact_email = "team@cscp.example.org"
    partnership.save()
    return partnership.contact_email


# Home


def test_anonymous_visitors_are_sent_to_sign_in_from_home(client_for):
    response = client_for(None).get(reverse("cscp:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cscp:sign-in"))


def test_an_outsider_is_told_they_have_no_groups_and_whom_to_ask(client_for, partnership, contact_email):
    response = client_for("outsider").get(reverse("cscp:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "You are not a member of any group or agency yet" in html
    assert f'href="mailto:{contact_email}"' in html
    assert "Your groups</caption>" not in html
    assert partnership["outsider"].get_full_name() in html


def test_a_chair_sees_their_group_and_role_on_home_but_not_other_groups(client_for, partnership):
    response = client_for("chair").get(reverse("cscp:home"))
    html = response.content.decode()
    group_url = reverse("cscp:group-detail", args=[partnership.subgroup.pk])
    assert f'<a class="govuk-link" href="{group_url}">Learning and Improvement Subgroup</a>' in html
    assert "Chair" in html
    assert "1 April 2024" in html
    assert "Case Review Group" not in html
    assert "You are not a member of any group" not in html


def test_home_lists_agency_roles(client_for):
    html = client_for("s11lead").get(reverse("cscp:home")).content.decode()
    assert "Your agencies" in html
    assert "Cumbria Constabulary" in html
    assert "Section 11 lead" in html


def test_an_ended_membership_is_not_shown_on_home(client_for, partnership):
    GroupMembershipFactory(
        person=partnership["chair"],
        group=GroupFactory(name="Old Working Group"),
        role=GroupMembership.Role.MEMBER,
        end_date=timezone.localdate() - timezone.timedelta(days=1),
    )
    html = client_for("chair").get(reverse("cscp:home")).content.decode()
    assert "Old Working Group" not in html


def test_home_shows_ones_own_unread_notifications_only(client_for, partnership):
    _notify(partnership["chair"], "Your group's update is due")
    _notify(partnership["chair"], "An old reminder", read=True)
    _notify(partnership.other_chair, "Someone else's reminder")
    html = client_for("chair").get(reverse("cscp:home")).content.decode()
    assert "Needs your attention" in html
    assert "Your group&#x27;s update is due" in html
    assert "An old reminder" not in html
    assert "Someone else" not in html


def test_home_has_no_attention_section_without_unread_notifications(client_for):
    html = client_for("chair").get(reverse("cscp:home")).content.decode()
    assert "Needs your attention" not in html


def test_home_costs_the_same_number_of_queries_however_many_roles(client_for, partnership):
    client = client_for("chair")
    client.get(reverse("cscp:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cscp:home"))
    for n in range(10):
        GroupMembershipFactory(person=partnership["chair"], group=GroupFactory(name=f"Extra group {n}"))
        _notify(partnership["chair"], f"Reminder {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("cscp:home"))
    assert "Extra group 9" in response.content.decode()
    # Each app's home section costs a query or two, whatever the person holds.
    assert len(many) == len(few) <= 20, [q["sql"] for q in many.captured_queries]


# Notifications


def test_the_notifications_page_shows_only_ones_own(client_for, partnership):
    _notify(partnership["chair"], "Update due for the subgroup")
    _notify(partnership["chair"], "Already seen", read=True)
    _notify(partnership.other_chair, "Case Review Group reminder")
    html = client_for("chair").get(reverse("cscp:notifications")).content.decode()
    assert "Update due for the subgroup" in html
    assert "Already seen" in html
    assert "Case Review Group reminder" not in html
    assert '<strong class="govuk-tag">Unread</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Read</strong>' in html


def test_someone_with_no_notifications_is_told_so(client_for):
    html = client_for("outsider").get(reverse("cscp:notifications")).content.decode()
    assert "You have no notifications" in html
    assert "govuk-pagination" not in html


def test_notifications_are_paginated_with_the_same_queries_on_every_page(
    client_for, partnership, django_assert_max_num_queries
):
    for n in range(60):
        _notify(partnership["chair"], f"Reminder number {n}")
    client = client_for("chair")
    client.get(reverse("cscp:notifications"))
    # Ten for the page, one for the navigation's unread count.
    with django_assert_max_num_queries(11):
        first = client.get(reverse("cscp:notifications")).content.decode()
    with django_assert_max_num_queries(11):
        last = client.get(reverse("cscp:notifications") + "?page=3").content.decode()
    assert "Reminder number 59" in first and "Reminder number 0" not in first
    assert 'href="?page=2"' in first and 'rel="next"' in first
    assert "Reminder number 0" in last and 'rel="next"' not in last and 'rel="prev"' in last


def test_opening_a_notification_marks_it_read_and_goes_to_what_it_is_about(client_for, partnership):
    notification = _notify(partnership["chair"], "Update due", url=reverse("cscp:accessibility"))
    response = client_for("chair").post(reverse("cscp:notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cscp:accessibility")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_pointing_off_site_opens_the_notifications_page_instead(client_for, partnership):
    notification = _notify(partnership["chair"], "Phish", url="https://evil.example.com/")
    response = client_for("chair").post(reverse("cscp:notification-open", args=[notification.pk]))
    assert response["Location"] == reverse("cscp:notifications")


def test_opening_another_persons_notification_is_not_found(client_for, partnership):
    notification = _notify(partnership.other_chair, "Not yours")
    response = client_for("chair").post(reverse("cscp:notification-open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_a_notification_needs_a_post(client_for, partnership):
    notification = _notify(partnership["chair"], "Update due")
    response = client_for("chair").get(reverse("cscp:notification-open", args=[notification.pk]))
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


# Public pages


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [("cscp:accessibility", "Accessibility statement for"), ("cscp:privacy", "Privacy notice")],
)
def test_the_statements_are_public_and_name_the_contact(client_for, contact_email, url_name, heading):
    response = client_for(None).get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert heading in html
    assert f'href="mailto:{contact_email}"' in html


def test_the_accessibility_statement_says_how_to_escalate_a_complaint(client_for):
    html = client_for(None).get(reverse("cscp:accessibility")).content.decode()
    assert "Equality Advisory and Support Service (EASS)" in html
    assert "WCAG 2.2" in html or "Guidelines version 2.2" in html
    assert "axe-core" in html


def test_the_privacy_notice_says_no_child_is_identified(client_for):
    html = client_for(None).get(reverse("cscp:privacy")).content.decode()
    assert "does not hold information that identifies any child" in html
    assert "IP address" in html
    assert "public task" in html


def test_the_health_check_answers_ok(client_for):
    response = client_for(None).get(reverse("cscp:health"))
    assert response.json() == {"status": "ok"}


def test_an_unknown_address_shows_the_page_not_found_page(client_for):
    response = client_for("chair").get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# Header, footer and headers


def test_a_signed_in_person_can_sign_out_with_a_post_and_reach_their_account(client_for):
    html = client_for("chair").get(reverse("cscp:home")).content.decode()
    assert re.search(rf'<form method="post"\s+action="{reverse("cscp:sign-out")}"', html)
    assert f'href="{reverse("cscp:account")}"' in html
    assert 'aria-current="page"' in html


def test_an_anonymous_visitor_sees_no_navigation_and_the_footer_links(client_for):
    html = client_for(None).get(reverse("cscp:privacy")).content.decode()
    assert "Sign out" not in html
    assert f'href="{reverse("cscp:accessibility")}"' in html
    assert f'href="{reverse("cscp:privacy")}"' in html


def test_the_header_shows_the_partnership_and_no_crown(client_for):
    partnership = Partnership.load()
    partnership.short_name = "CSCP"
    partnership.name = "Cumbria Safeguarding Children Partnership"
    partnership.save()
    html = client_for(None).get(reverse("cscp:privacy")).content.decode()
    assert '<abbr title="Cumbria Safeguarding Children Partnership">CSCP</abbr>' in html
    assert "govuk-header__logotype" not in html
    assert "govuk-footer__crown" not in html
    assert "Crown copyright" not in html


def test_pages_carry_the_security_headers(client_for):
    response = client_for("chair").get(reverse("cscp:home"))
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_each_response_gets_a_fresh_nonce(client_for):
    client = client_for(None)
    first = client.get(reverse("cscp:privacy"))["Content-Security-Policy"]
    second = client.get(reverse("cscp:privacy"))["Content-Security-Policy"]
    assert first != second


# The pagination partial


def _pagination(number, *, count=10, query=""):
    """The `{% pagination %}` tag on a page whose address has `query`, as a list page would use it."""
    page = Paginator(range(count * 10), 10).page(number)
    request = RequestFactory().get("/list/" + (f"?{query}" if query else ""))
    return Template("{% load govuk %}{% pagination page %}").render(RequestContext(request, {"page": page}))


def test_pagination_renders_nothing_for_a_single_page():
    assert _pagination(1, count=1).strip() == ""


def test_pagination_shows_the_ends_the_neighbours_and_ellipses():
    html = _pagination(5)
    shown = re.findall(r'aria-label="Page (\d+)"', html)
    assert shown == ["1", "4", "5", "6", "10"]
    assert html.count("govuk-pagination__item--ellipsis") == 2
    assert 'href="?page=5"\n' in html or re.search(r'href="\?page=5"[^>]*aria-current="page"', html)


def test_pagination_keeps_the_other_query_parameters():
    html = _pagination(1, query="status=open&sort=due")
    assert 'href="?status=open&amp;sort=due&amp;page=2"' in html
    assert 'rel="prev"' not in html


@pytest.mark.parametrize(
    ("handler", "status", "heading"),
    [
        ("bad_request", 400, "There is a problem with your request"),
        ("permission_denied", 403, "You do not have access to this page"),
        ("page_not_found", 404, "Page not found"),
        ("server_error", 500, "Sorry, there is a problem with the service"),
    ],
)
def test_the_error_pages_say_what_happened_and_whom_to_ask(rf, contact_email, handler, status, heading):
    request = rf.get("/somewhere/")
    response = getattr(pages, handler)(request)
    html = response.content.decode()
    assert response.status_code == status
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert f'href="mailto:{contact_email}"' in html
    assert "Sign out" not in html


def test_the_filter_panel_is_a_get_form_that_keeps_the_sort_order(rf):
    class ActionFilters(forms.Form):
        status = forms.ChoiceField(choices=[("", "Any"), ("open", "Open")], required=False)
        search = forms.CharField(required=False)

    html = render_to_string(
        "includes/filter_panel.html",
        {"filter_form": ActionFilters({"search": "neglect"}), "filter_keep": {"sort": "due"}},
        request=rf.get("/actions/"),
    )
    assert '<form method="get"' in html
    assert '<input type="hidden" name="sort" value="due">' in html
    assert 'value="neglect"' in html
    assert 'for="id_status"' in html and "govuk-select" in html
    assert 'href="/actions/">Clear filters</a>' in html
