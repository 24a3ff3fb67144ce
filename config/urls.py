"""The project's URLs: each app's own, in its own namespace (`cscp:`, `actions:`, `impact:`, `boardpack:`,
`scorecards:`)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("cscp.urls")),
    path("", include("cscp.actions.urls")),
    path("", include("cscp.impact.urls")),
    path("", include("cscp.boardpack.urls")),
    path("scorecards/", include("scorecards.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "cscp.views.pages.bad_request"
handler403 = "cscp.views.pages.permission_denied"
handler404 = "cscp.views.pages.page_not_found"
handler500 = "cscp.views.pages.server_error"
