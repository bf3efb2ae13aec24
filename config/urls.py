from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from intake import urls as intake_urls
from lib.views_health import healthz
from messaging import urls as messaging_urls

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # The patient's pages, one namespace: the intake, and the conversation
    # (/intake/status/<token>/conversation/ and the token-less /intake/status/ page).
    path(
        "intake/",
        include((intake_urls.urlpatterns + messaging_urls.patient_urlpatterns, "intake")),
    ),
    path("console/", include("console.urls")),
    # Signed acknowledge / shift-confirm links from paging notifications (no session).
    path("paging/", include("paging.urls_public")),
    path("", RedirectView.as_view(pattern_name="intake:start", permanent=False), name="root"),
]
