"""Django's admin for impact updates and escalations, for superusers as a last resort, with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cscp.impact import models


@admin.register(models.ImpactUpdate)
class ImpactUpdateAdmin(SimpleHistoryAdmin):
    list_display = ("group", "cycle", "status", "submitted_at", "acknowledged_at")
    list_filter = ("status", "cycle")


@admin.register(models.Escalation)
class EscalationAdmin(SimpleHistoryAdmin):
    list_display = ("title", "raised_by_group", "raised_at", "status")
    list_filter = ("status", "source")
    search_fields = ("title",)


for model in (models.ImpactTemplateSection, models.ReportingCycle, models.ImpactUpdateAnswer):
    admin.site.register(model, SimpleHistoryAdmin)
for model in (models.EvidenceLink, models.ImpactUpdateComment):
    admin.site.register(model)
