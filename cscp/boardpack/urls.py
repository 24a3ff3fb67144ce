"""Board meetings and their packs, in the `boardpack` namespace."""

from django.urls import path

from cscp.boardpack import views

app_name = "boardpack"

urlpatterns = [
    path("meetings/board/", views.board_meeting_list, name="meetings"),
    path("meetings/board/settings/", views.board_pack_settings, name="settings"),
    path("meetings/<int:pk>/board-pack/", views.board_pack, name="detail"),
    path("meetings/<int:pk>/board-pack/generate/", views.board_pack_generate_view, name="generate"),
    path("meetings/<int:pk>/board-pack/v<int:version>/sent/", views.board_pack_send, name="send"),
    path("meetings/<int:pk>/board-pack.pdf", views.board_pack_download, name="download"),
    path("meetings/<int:pk>/board-pack/v<int:version>.pdf", views.board_pack_version_download, name="version-download"),
]
