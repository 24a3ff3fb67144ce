"""Django's admin for the tracker, for superusers as a last resort, with each action's change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cscp.actions.models import Action, ActionNote


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "title", "owner_group", "owner_agency", "due_date", "stage", "progress")
    list_filter = ("stage", "progress", "source")
    search_fields = ("reference", "title", "source_reference")


admin.site.register(ActionNote)
