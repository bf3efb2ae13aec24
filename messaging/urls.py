"""URL patterns, included from triage/urls_intake.py and triage/urls_console.py."""

from django.urls import path

from messaging import views_patient, views_staff

# Inside the "intake" namespace (/intake/...).
patient_urlpatterns = [
    path("status/", views_patient.status_help, name="status_help"),
    path(
        "status/<str:token>/conversation/",
        views_patient.conversation,
        name="messaging_conversation",
    ),
    path(
        "status/<str:token>/conversation/poll/",
        views_patient.poll,
        name="messaging_poll",
    ),
    path("status/<str:token>/callback/", views_patient.callback, name="messaging_callback"),
]

# Inside the "console" namespace (/console/...).
console_urlpatterns = [
    path(
        "cases/<uuid:case_id>/conversation/",
        views_staff.conversation,
        name="messaging_conversation",
    ),
    path(
        "cases/<uuid:case_id>/conversation/take-over/",
        views_staff.take_over,
        name="messaging_take_over",
    ),
    path("cases/<uuid:case_id>/conversation/reply/", views_staff.reply, name="messaging_reply"),
    path(
        "cases/<uuid:case_id>/conversation/presence/",
        views_staff.presence,
        name="messaging_presence",
    ),
    path(
        "cases/<uuid:case_id>/callback/resolve/",
        views_staff.callback_resolve,
        name="messaging_callback_resolve",
    ),
]
