"""Board meetings and their packs, in the `boardpack` namespace."""

from django.urls import path

from cscp.boardpack import views

app_name = "boardpack"

urlpatterns = [
    path("meetings/board/", views.board_meeting_list, name="meetings"),
    path("meetings/<int:pk>/board-pack/", views.board_pack, name="detail"),
    path("meetings/<int:pk>/board-pack/generate/", views.board_pack_generate_view, name="generate"),
    path("meetings/<int:pk>/board-pack.pdf", views.board_pack_download, name="download"),
]
