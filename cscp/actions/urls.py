"""The action tracker's pages, in the `actions` namespace."""

from django.urls import path

from cscp.actions import views

app_name = "actions"

urlpatterns = [
    path("actions/", views.action_list, name="list"),
    path("actions/export.csv", views.action_export_csv, name="export-csv"),
    path("actions/export.xlsx", views.action_export_xlsx, name="export-xlsx"),
    path("actions/mine/", views.my_actions, name="mine"),
    path("actions/new/", views.action_create, name="create"),
    path("actions/<int:pk>/", views.action_detail, name="detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="edit"),
    path("actions/<int:pk>/notes/new/", views.action_note_add, name="note-add"),
    path("actions/<int:pk>/complete/", views.action_complete, name="complete"),
    path("actions/<int:pk>/sign-off/", views.action_sign_off, name="sign-off"),
    path("actions/<int:pk>/impact/", views.action_impact, name="impact"),
    path("actions/<int:pk>/close/", views.action_close, name="close"),
    path("actions/<int:pk>/reopen/", views.action_reopen, name="reopen"),
    path("actions/<int:pk>/evidence/", views.action_evidence, name="evidence"),
    path("groups/<int:pk>/actions/", views.group_actions, name="group"),
    path("agencies/<int:pk>/actions/", views.agency_actions, name="agency"),
]
