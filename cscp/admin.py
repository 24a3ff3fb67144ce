"""Django's admin, for superusers as a last resort: the product's own pages are where the partnership is managed.
Every model shows its full change history (django-simple-history)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from cscp import models


@admin.register(models.Person)
class PersonAdmin(UserAdmin, SimpleHistoryAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Work", {"fields": ("job_title",)}))
    list_display = ("username", "email", "first_name", "last_name", "is_active")


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor", "object_repr", "ip_address")
    list_filter = ("action",)
    search_fields = ("action", "object_repr", "message", "actor__username")

    # The audit log is written by the product only; nobody edits or deletes it here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (
    models.Partnership,
    models.District,
    models.Agency,
    models.Group,
    models.Meeting,
    models.GroupMembership,
    models.AgencyMembership,
    models.BusinessPlan,
    models.Priority,
    models.Theme,
):
    admin.site.register(model, SimpleHistoryAdmin)
