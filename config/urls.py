from django.contrib import admin
from django.urls import include, path

from triage.views_health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("intake/", include("triage.urls_intake")),
    path("console/", include("triage.urls_console")),
    # Signed acknowledge / shift-confirm links from paging notifications (no session).
    path("paging/", include("paging.urls_public")),
    path("", include("triage.urls_public")),
]
