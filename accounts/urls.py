from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("verify/", views.verify, name="verify"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/backup-codes/", views.backup_codes, name="backup_codes"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
]
