from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import password_reset, views
from audit.decorators import no_phi

app_name = "accounts"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("verify/", views.verify, name="verify"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/backup-codes/", views.backup_codes, name="backup_codes"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    # Password reset by e-mail (accounts/password_reset.py): no PHI on any of these.
    path(
        "password-reset/",
        no_phi(password_reset.StaffPasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        no_phi(password_reset.StaffPasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        no_phi(password_reset.StaffPasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        no_phi(password_reset.StaffPasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
