"""The admin site: staff status AND a session verified by a second factor.

Installed as Django's default admin site (``accounts.apps.StaffAdminConfig`` replaces
``django.contrib.admin`` in INSTALLED_APPS), so ``admin.site`` and every app's
``@admin.register`` keep working. Sign-in goes through the staff sign-in and MFA
pages; the admin's own password form is never shown.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.urls_helpers import safe_next, sign_in_response


class StaffAdminSite(admin.AdminSite):
    site_header = _("Triage console administration")
    site_title = _("Triage console administration")
    index_title = _("Configuration and accounts")

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        index = reverse("admin:index", current_app=self.name)
        candidate = request.GET.get(REDIRECT_FIELD_NAME) or index
        next_url = safe_next(request, candidate) if candidate != index else index
        if request.user.is_authenticated and request.user.is_verified():
            if self.has_permission(request):
                return HttpResponseRedirect(next_url)
            # Signed in and verified but not admin staff: a clear 403, not a login loop.
            raise PermissionDenied
        return sign_in_response(request, next_url)
