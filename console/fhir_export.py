"""Download a case as a FHIR R4 Bundle: PHI, so audited as one EXPORT event per download."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from accounts.decorators import mfa_required
from audit.decorators import shows_phi
from audit.models import AccessEvent
from audit.services import record_access
from cases.access import BreakGlassRequired, get_case_for_user
from cases.fhir.bundle import case_bundle
from cases.models import Case

CONTENT_TYPE = "application/fhir+json; charset=utf-8"


@require_GET
@mfa_required
@shows_phi
def case_fhir_export(request: HttpRequest, case_id) -> HttpResponse:
    """The case's Bundle as an attachment; never cached (no-store)."""
    queryset = Case.objects.select_related("intake")
    try:
        case = get_case_for_user(request, case_id, queryset=queryset)
    except BreakGlassRequired:
        return redirect("console:break_glass", case_id=case_id)
    bundle = case_bundle(case)
    record_access(
        request=request,
        action=AccessEvent.Action.EXPORT,
        object_type="cases.case",
        object_id=str(case.pk),
        patient_ref=case.reference,
        details={"format": "fhir-r4b-bundle", "entries": len(bundle["entry"])},
    )
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False, indent=2), CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="case-{case.reference}.fhir.json"'
    response["Cache-Control"] = "no-store"
    return response
