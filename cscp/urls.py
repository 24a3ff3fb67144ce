"""The project's URLs. The partnership core's pages are in the `cscp` namespace; each later app adds its
own include here."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from cscp.actions import views as actions
from cscp.boardpack import views as boardpack
from cscp.impact import views as impact
from cscp.views import accounts, pages, people, structure

core_patterns = (
    pages.urlpatterns
    + accounts.urlpatterns
    + people.urlpatterns
    + structure.urlpatterns
    + actions.urlpatterns
    + impact.urlpatterns
    + boardpack.urlpatterns
)

urlpatterns = [
    path("", include((core_patterns, "cscp"))),
    path("scorecards/", include("scorecards.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "cscp.views.pages.bad_request"
handler403 = "cscp.views.pages.permission_denied"
handler404 = "cscp.views.pages.page_not_found"
handler500 = "cscp.views.pages.server_error"
