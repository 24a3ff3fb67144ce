"""What every page needs: the partnership's name and the navigation this person may use."""

from functools import cache

from django.urls import reverse

from cscp.models import Partnership
from cscp.navigation import navigation_for
from cscp.selectors import unread_notifications


def partnership(request):
    partnership = Partnership.load()
    user = getattr(request, "user", None)

    # Counted only when a page shows the header, and then once: one query a page, however many there are.
    @cache
    def unread_count() -> int:
        if user is None or not user.is_authenticated:
            return 0
        return unread_notifications(user).count()

    return {
        "partnership": partnership,
        "service_name": partnership.service_name,
        "navigation": navigation_for(request) if hasattr(request, "user") else [],
        "home_url": reverse("cscp:home"),
        "unread_notification_count": unread_count,
    }
