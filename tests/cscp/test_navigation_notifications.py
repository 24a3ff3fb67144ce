"""The notifications page, which every email points to, is in the navigation with how many are unread."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cscp.models import Notification


def _notify(person, n, *, read=False):
    already = Notification.objects.count()
    for i in range(already, already + n):
        Notification.objects.create(
            recipient=person,
            key=f"test.{i}",
            subject=f"Reminder {i}",
            read_at=timezone.now() if read else None,
        )


def _notifications_link(response) -> str:
    """The navigation's link to the notifications page, as HTML."""
    nav = re.search(r'<nav aria-label="Menu".*?</nav>', response.content.decode(), re.S).group(0)
    href = re.escape(reverse("cscp:notifications"))
    return re.search(rf'<a [^>]*href="{href}"[^>]*>.*?</a>', nav, re.S).group(0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" )", ")")


def test_the_navigation_links_to_notifications_with_the_unread_count_said_aloud(client_for, partnership):
    _notify(partnership["chair"], 3)
    _notify(partnership["chair"], 2, read=True)
    _notify(partnership["board"], 4)  # someone else's are not counted

    link = _notifications_link(client_for("chair").get(reverse("cscp:accessibility")))

    assert _text(link) == "Notifications (3 unread)"
    # Seen: the number; heard: the number and what it counts.
    assert re.search(r'<span class="govuk-visually-hidden"> unread</span>', link)


def test_with_nothing_unread_the_link_says_only_notifications(client_for, partnership):
    _notify(partnership["chair"], 2, read=True)
    link = _notifications_link(client_for("chair").get(reverse("cscp:accessibility")))
    assert _text(link) == "Notifications"


def test_the_link_is_marked_as_the_current_page_on_the_notifications_page(client_for, partnership):
    link = _notifications_link(client_for("chair").get(reverse("cscp:notifications")))
    assert 'aria-current="page"' in link


def test_an_anonymous_visitor_has_no_notifications_link(client, db):
    response = client.get(reverse("cscp:accessibility"))
    assert reverse("cscp:notifications") not in response.content.decode()


def _notification_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for query in queries if '"cscp_notification"' in query["sql"])


def test_the_count_costs_one_query_a_page_however_many_there_are(client_for, partnership):
    client = client_for("chair")
    url = reverse("cscp:accessibility")
    _notify(partnership["chair"], 1)
    assert _notification_queries(client, url) == 1
    _notify(partnership["chair"], 40)
    assert _notification_queries(client, url) == 1
