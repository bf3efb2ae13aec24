"""Views and an admin site used only by the audit tests."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path

from accounts.models import Team
from audit.admin import AuditedModelAdmin
from audit.decorators import audited, no_phi, shows_phi
from audit.models import AccessEvent
from audit.services import record_access


@shows_phi
def team_page(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    record_access(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type="accounts.Team",
        object_id=team.pk,
        patient_ref=f"T-{team.pk}",
    )
    return HttpResponse(f"secret of {team.name}")


@audited(
    AccessEvent.Action.VIEW,
    "accounts.Team",
    get_ref=lambda request, pk: (pk, f"T-{pk}"),
)
def team_summary(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    return HttpResponse(f"summary of {team.name}")


@no_phi
def about(request: HttpRequest) -> HttpResponse:
    return HttpResponse("nothing personal here")


def unmarked_deep_write(request: HttpRequest) -> HttpResponse:
    # No decorator: a service deep below the view fails to audit; the middleware
    # still withholds the response.
    record_access(action=AccessEvent.Action.VIEW, object_type="accounts.Team")
    return HttpResponse("secret")


class TeamAdmin(AuditedModelAdmin):
    search_fields = ["name"]

    def audit_patient_ref(self, obj) -> str:
        return f"T-{obj.pk}"


site = admin.AdminSite(name="audit_test_admin")
site.register(Team, TeamAdmin)

urlpatterns = [
    path("teams/<int:pk>/", team_page, name="team_page"),
    path("teams/<int:pk>/summary/", team_summary, name="team_summary"),
    path("about/", about, name="about"),
    path("deep/", unmarked_deep_write, name="deep"),
    path("test-admin/", site.urls),
    # The project's own URLs, so the site templates (language switch, nav) resolve.
    path("", include("config.urls")),
]
