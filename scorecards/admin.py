"""Django's admin for the scorecards' indicators, for superusers as a last resort until the set-up pages exist: an
indicator's first period (the first period it takes figures for, `scorecards.ranges`) and its tolerances (amber,
and how far our local figure may be from our published one) are set here. Every change keeps its history
(django-simple-history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from scorecards.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "unit", "frequency", "first_period", "divergence_tolerance", "is_active")
    list_filter = ("is_active", "frequency", "unit", "area")
    search_fields = ("code", "name")
    raw_id_fields = ("responsible_officer", "priority")
    filter_horizontal = ("themes",)
    fieldsets = (
        (None, {"fields": ("code", "name", "definition", "numerator_definition", "denominator_definition")}),
        (
            "How it is reported",
            {"fields": ("unit", "polarity", "frequency", "first_period", "area", "aggregation", "source")},
        ),
        ("Who and what", {"fields": ("responsible_officer", "priority", "themes", "is_active")}),
        (
            "Judgements",
            {
                "fields": ("baseline_value", "baseline_period", "amber_tolerance", "tolerance_kind", "similar_band"),
            },
        ),
        (
            "Our local figures against our published ones",
            {
                "description": "The indicator page warns when our local figure for a year (worked out from our "
                "months or quarters) is further than this from our published figure for the same year. Relative: "
                "a percentage of the published figure (10 means 10%). In the indicator's unit: an amount, in "
                "percentage points for a percentage.",
                "fields": ("divergence_tolerance", "divergence_kind"),
            },
        ),
    )
