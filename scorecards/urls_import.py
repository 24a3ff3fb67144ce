"""The import pages, included by scorecards/urls.py (in the "scorecards" namespace) under /scorecards/import/."""

from scorecards.views_import import urlpatterns

__all__ = ["urlpatterns"]
