"""Triage script pages, mounted in the console namespace under /console/scripts/."""

from django.urls import path

from triage.scripts import views

urlpatterns = [
    path("scripts/", views.scripts_home, name="scripts"),
    path("scripts/new-draft/", views.script_new_draft, name="script_new_draft"),
    path("scripts/<int:pk>/", views.script_detail, name="script"),
    path("scripts/<int:pk>/effective/", views.script_effective, name="script_effective"),
    path("scripts/<int:pk>/phrases/new/", views.script_phrase_new, name="script_phrase_new"),
    path(
        "scripts/<int:pk>/phrases/<str:key>/", views.script_phrase_edit, name="script_phrase_edit"
    ),
    path("scripts/<int:pk>/thresholds/", views.script_thresholds, name="script_thresholds"),
    path("scripts/<int:pk>/validation/", views.script_validation, name="script_validation"),
    path("scripts/<int:pk>/<str:step>/", views.script_step, name="script_step"),
]
