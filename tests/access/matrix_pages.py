"""Access rows for the home page, the public pages, notifications and the health check."""

from cscp.models import Notification
from tests.access.matrix import SIGNED_IN, PostRow, Row, everyone, posts, statuses
from tests.conftest import PERSONAS

ROWS = [
    # Everyone who can sign in has a home page, even with no roles yet: it tells them whom to ask.
    Row("cscp:home", SIGNED_IN),
    # Statements every public service must publish, readable before signing in.
    Row("cscp:accessibility", everyone(200)),
    Row("cscp:privacy", everyone(200)),
    Row("cscp:health", everyone(200)),
    # A list of one's own notifications: nobody sees anyone else's.
    Row("cscp:notifications", SIGNED_IN),
    # POST-only: a signed-in GET is refused as a method; anonymous is sent to sign in before the method is checked.
    Row(
        "cscp:notification-open",
        statuses(405, to=PERSONAS),
        kwargs=lambda p: {"pk": 999999},
        note="a GET to a POST-only action",
    ),
]


def _chairs_notification(p) -> dict:
    notification = Notification.objects.create(recipient=p["chair"], subject="Your update is due", url="/impact/")
    return {"pk": notification.pk}


POSTS = [
    # Opening a notification marks it read: only its recipient may; to anyone else it does not exist.
    PostRow("cscp:notification-open", posts(to=("chair",), others=404), kwargs=_chairs_notification),
]
