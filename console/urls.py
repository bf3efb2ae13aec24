"""Console URLs (namespace ``console``, mounted at /console/)."""

from django.urls import include, path

from console import (
    access_requests,
    actions,
    break_glass,
    case_page,
    fhir_export,
    queue,
    scripts,
    supervisor,
)
from messaging import urls as messaging_urls

app_name = "console"

urlpatterns = [
    path("", queue.queue_page, name="home"),
    path("queue/rows/", queue.queue_rows, name="queue_rows"),
    path("cases/<uuid:case_id>/", case_page.case_detail, name="case"),
    path("cases/<uuid:case_id>/fhir/", fhir_export.case_fhir_export, name="case_fhir_export"),
    path("cases/<uuid:case_id>/claim/", actions.claim, name="case_claim"),
    path("cases/<uuid:case_id>/release/", actions.release, name="case_release"),
    path("cases/<uuid:case_id>/notes/", actions.add_note, name="case_note"),
    path("cases/<uuid:case_id>/contact-attempts/", actions.contact_attempt, name="case_contact"),
    path("cases/<uuid:case_id>/override/", actions.override, name="case_override"),
    path(
        "cases/<uuid:case_id>/overrides/<uuid:override_id>/decide/",
        actions.override_decide,
        name="case_override_decide",
    ),
    path(
        "cases/<uuid:case_id>/signals/<uuid:signal_id>/review/",
        actions.signal_review,
        name="case_signal_review",
    ),
    path(
        "cases/<uuid:case_id>/signals/review/",
        actions.signals_review,
        name="case_signals_review",
    ),
    path("cases/<uuid:case_id>/signals/missed/", actions.missed_signal, name="case_missed_signal"),
    path("cases/<uuid:case_id>/disposition/", actions.dispose, name="case_dispose"),
    path(
        "cases/<uuid:case_id>/pages/<uuid:page_id>/acknowledge/",
        actions.page_ack,
        name="case_page_ack",
    ),
    path("cases/<uuid:case_id>/break-glass/", break_glass.request_access, name="break_glass"),
    path("supervisor/", supervisor.supervisor_home, name="supervisor"),
    path("supervisor/break-glass/", break_glass.review_list, name="break_glass_review"),
    path(
        "supervisor/break-glass/<uuid:access_id>/reviewed/",
        break_glass.mark_reviewed,
        name="break_glass_reviewed",
    ),
    path(
        "supervisor/access-requests/<int:request_id>/decide/",
        access_requests.decide,
        name="access_request_decide",
    ),
]

# Paging's console pages (on call, alerts, page detail) live under /console/paging/.
urlpatterns.append(path("paging/", include("paging.urls")))

# Patient conversation (messaging): /console/cases/<uuid>/conversation/...
urlpatterns += messaging_urls.console_urlpatterns

# Triage scripts as phrase rows, for clinical leads: /console/scripts/...
urlpatterns += [
    path("scripts/", scripts.scripts_home, name="scripts"),
    path("scripts/new-draft/", scripts.script_new_draft, name="script_new_draft"),
    path("scripts/<int:pk>/", scripts.script_detail, name="script"),
    path("scripts/<int:pk>/effective/", scripts.script_effective, name="script_effective"),
    path("scripts/<int:pk>/phrases/new/", scripts.script_phrase_new, name="script_phrase_new"),
    path(
        "scripts/<int:pk>/phrases/<str:key>/", scripts.script_phrase_edit, name="script_phrase_edit"
    ),
    path("scripts/<int:pk>/thresholds/", scripts.script_thresholds, name="script_thresholds"),
    path("scripts/<int:pk>/validation/", scripts.script_validation, name="script_validation"),
    path("scripts/<int:pk>/<str:step>/", scripts.script_step, name="script_step"),
]
