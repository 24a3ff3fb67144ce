"""What every page needs: the partnership's name and the navigation this person may use."""

from django.urls import reverse

from cscp.models import Partnership
from cscp.navigation import navigation_for


def partnership(request):
    partnership = Partnership.load()
    return {
        "partnership": partnership,
        "service_name": partnership.service_name,
        "navigation": navigation_for(request) if hasattr(request, "user") else [],
        "home_url": reverse("cscp:home"),
    }
