"""Django's admin for Board packs, for superusers as a last resort, with each pack's history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cscp.boardpack.models import BoardPack


@admin.register(BoardPack)
class BoardPackAdmin(SimpleHistoryAdmin):
    list_display = ("meeting", "version", "generated_at", "generated_by", "page_count", "sent_at")
