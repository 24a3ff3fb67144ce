"""Impact updates, the agreed template and reporting cycles, and escalations, in the `impact` namespace."""

from django.urls import path

from cscp.impact import views

app_name = "impact"

urlpatterns = [
    path("impact/", views.update_list, name="update-list"),
    path("impact/template/", views.impact_template, name="template"),
    path("impact/template/new/", views.section_create, name="section-create"),
    path("impact/template/<int:pk>/edit/", views.section_edit, name="section-edit"),
    path("impact/template/<int:pk>/move/", views.section_move, name="section-move"),
    path("impact/cycles/", views.cycle_list, name="cycle-list"),
    path("impact/cycles/new/", views.cycle_create, name="cycle-create"),
    path("impact/cycles/<int:pk>/", views.cycle_detail, name="cycle-detail"),
    path("impact/cycles/<int:pk>/edit/", views.cycle_edit, name="cycle-edit"),
    path("impact/cycles/<int:cycle_pk>/groups/<int:group_pk>/", views.update_edit, name="update-edit"),
    path("impact/cycles/<int:cycle_pk>/groups/<int:group_pk>/start/", views.update_start, name="update-start"),
    path("impact/updates/<int:pk>/", views.update_detail, name="update-detail"),
    path("impact/updates/<int:pk>.pdf", views.update_pdf, name="update-pdf"),
    path("impact/updates/<int:pk>/sections/<int:section_pk>/", views.update_section, name="update-section"),
    path("impact/updates/<int:pk>/evidence/", views.update_evidence, name="update-evidence"),
    path("impact/updates/<int:pk>/check/", views.update_check, name="update-check"),
    path("impact/updates/<int:pk>/submit/", views.update_submit, name="update-submit"),
    path("impact/updates/<int:pk>/comment/", views.update_comment, name="update-comment"),
    path("impact/updates/<int:pk>/acknowledge/", views.update_acknowledge, name="update-acknowledge"),
    path("impact/updates/<int:pk>/request-changes/", views.update_request_changes, name="update-request-changes"),
    path("impact/updates/<int:pk>/escalate/", views.escalation_raise_from_update, name="escalation-raise-from-update"),
    path("groups/<int:pk>/updates/", views.group_updates, name="group-updates"),
    path("escalations/", views.escalation_list, name="escalation-list"),
    path("escalations/new/", views.escalation_create, name="escalation-create"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation-detail"),
    path("escalations/<int:pk>/decide/", views.escalation_decide, name="escalation-decide"),
    path("escalations/<int:pk>/outcome/", views.escalation_outcome, name="escalation-outcome"),
    path("escalations/<int:pk>/actions/new/", views.escalation_action_create, name="escalation-action-create"),
]
