"""The scorecards' pages, under /scorecards/. Fixed words come before the scorecard's slug, so "enter",
"mine", "indicators" and "import" are never read as a scorecard's name."""

from django.urls import include, path, register_converter

from scorecards import views
from scorecards.converters import PeriodKeyConverter

register_converter(PeriodKeyConverter, "period")

app_name = "scorecards"

urlpatterns = [
    path("", views.scorecard_list, name="scorecard-list"),
    path("mine/", views.my_indicators, name="my-indicators"),
    path("enter/<period:period_key>/", views.enter_values, name="enter-values"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator-detail"),
    path("indicators/<str:code>/commentary/", views.commentary_add, name="commentary-add"),
    path("indicators/<str:code>/challenge/", views.challenge_add, name="challenge-add"),
    path("challenges/<int:pk>/respond/", views.challenge_respond, name="challenge-respond"),
    # The import pages name their own "import/..." routes.
    path("", include("scorecards.urls_import")),
    path("", include("scorecards.views_mapping")),
    path("<slug:slug>/", views.scorecard_detail, name="scorecard-detail"),
    path("<slug:slug>/reports/", views.report_list, name="report-list"),
    path("<slug:slug>/reports/<period:period_key>.pdf", views.report_download, name="report-download"),
    path("<slug:slug>/<period:period_key>.pdf", views.scorecard_pdf, name="scorecard-pdf"),
    path("<slug:slug>/<period:period_key>.xlsx", views.scorecard_xlsx, name="scorecard-xlsx"),
    path("<slug:slug>/<period:period_key>.csv", views.scorecard_csv_download, name="scorecard-csv"),
]
