"""The partnership core's pages, in the `cscp` namespace."""

from django.contrib.auth import views as auth_views
from django.urls import path

from cscp.views import accounts, pages, people, structure

app_name = "cscp"

urlpatterns = [
    # pages
    path("", pages.home, name="home"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("healthz/", pages.health, name="health"),
    path("notifications/", pages.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", pages.notification_open, name="notification-open"),
    # accounts
    path("accounts/", accounts.account, name="account"),
    path("accounts/name/", accounts.account_name, name="account-name"),
    path("accounts/email/", accounts.account_email, name="account-email"),
    path("accounts/email/<str:token>/", accounts.account_email_confirm_page, name="account-email-confirm"),
    path("accounts/sign-in/", accounts.SignInView.as_view(), name="sign-in"),
    path("accounts/sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("accounts/signed-out/", accounts.signed_out, name="signed-out"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password-change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password-change-done",
    ),
    path("accounts/reset/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path(
        "accounts/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password-reset-confirm"
    ),
    path(
        "accounts/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password-reset-complete",
    ),
    path("accounts/set-password/<uidb64>/<token>/", accounts.SetPasswordView.as_view(), name="set-password"),
    path("accounts/unlock/", accounts.account_unlock, name="account-unlock"),
    path("accounts/unlock/sent/", accounts.account_unlock_sent, name="account-unlock-sent"),
    path("accounts/unlock/<str:token>/", accounts.account_unlock_confirm, name="account-unlock-confirm"),
    path("accounts/mfa/setup/", accounts.mfa_setup, name="mfa-setup"),
    path("accounts/mfa/verify/", accounts.mfa_verify, name="mfa-verify"),
    path("accounts/mfa/password/", accounts.mfa_password, name="mfa-password"),
    # people
    path("people/", people.person_list, name="person-list"),
    path("people/invite/", people.person_invite, name="person-invite"),
    path("people/<int:pk>/", people.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person-edit"),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person-deactivate"),
    path("people/<int:pk>/reactivate/", people.person_reactivate, name="person-reactivate"),
    path("people/<int:pk>/resend-invitation/", people.person_resend_invitation, name="person-resend-invitation"),
    path("people/<int:pk>/groups/add/", people.group_membership_add, name="group-membership-add"),
    path("people/<int:pk>/agencies/add/", people.agency_membership_add, name="agency-membership-add"),
    path("groups/<int:group_pk>/members/add/", people.group_member_add, name="group-member-add"),
    path("agencies/<int:agency_pk>/members/add/", people.agency_member_add, name="agency-member-add"),
    path("memberships/group/<int:pk>/end/", people.group_membership_end, name="group-membership-end"),
    path("memberships/agency/<int:pk>/end/", people.agency_membership_end, name="agency-membership-end"),
    path("audit-log/", people.audit_log, name="audit-log"),
    path("reports/membership/", people.membership_report, name="membership-report"),
    path("reports/membership.pdf", people.membership_report_pdf, name="membership-report-pdf"),
    # structure
    path("manage/", structure.manage, name="manage"),
    path("manage/settings/", structure.partnership_edit, name="partnership-edit"),
    path("manage/districts/", structure.district_list, name="district-list"),
    path("manage/districts/new/", structure.district_create, name="district-create"),
    path("manage/districts/<int:pk>/edit/", structure.district_edit, name="district-edit"),
    path("agencies/", structure.agency_list, name="agency-list"),
    path("agencies/new/", structure.agency_create, name="agency-create"),
    path("agencies/<int:pk>/", structure.agency_detail, name="agency-detail"),
    path("agencies/<int:pk>/edit/", structure.agency_edit, name="agency-edit"),
    path("groups/", structure.group_list, name="group-list"),
    path("groups/new/", structure.group_create, name="group-create"),
    path("groups/<int:pk>/", structure.group_detail, name="group-detail"),
    path("groups/<int:pk>/edit/", structure.group_edit, name="group-edit"),
    path("groups/<int:pk>/meetings/new/", structure.meeting_create, name="meeting-create"),
    path("plans/", structure.plan_list, name="plan-list"),
    path("plans/new/", structure.plan_create, name="plan-create"),
    path("plans/<int:pk>/", structure.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", structure.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/priorities/new/", structure.priority_create, name="priority-create"),
    path("priorities/<int:pk>/edit/", structure.priority_edit, name="priority-edit"),
    path("themes/", structure.theme_list, name="theme-list"),
    path("themes/new/", structure.theme_create, name="theme-create"),
    path("themes/<int:pk>/edit/", structure.theme_edit, name="theme-edit"),
]
