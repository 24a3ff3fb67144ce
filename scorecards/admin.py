"""Django's admin for the scorecards' indicators, for superusers as a last resort, with their history.

Until the indicator set-up pages exist, this is where an indicator's first period (the first period it takes
figures for, `scorecards.ranges`) is set. A change here is kept in the indicator's history.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from scorecards import models


@admin.register(models.Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "frequency", "first_period", "responsible_officer", "is_active")
    list_filter = ("frequency", "is_active", "area")
    search_fields = ("code", "name")
    raw_id_fields = ("responsible_officer", "priority")
    filter_horizontal = ("themes",)
