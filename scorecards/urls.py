"""Placeholder: filled in by its owner."""

app_name = "scorecards"
urlpatterns: list = []
