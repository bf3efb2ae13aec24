from django.urls import path

from intake import views, views_status

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("consent/", views.consent, name="consent"),
    path("step/<slug:key>/", views.step, name="step"),
    path("restart/", views.restart, name="restart"),
    path("sent/", views.sent, name="sent"),
    path("crisis/", views.crisis, name="crisis"),
    path("crisis/now/", views.crisis_now, name="crisis_now"),
    path("status/<str:token>/", views_status.status_page, name="status"),
    path("status/<str:token>/contact/", views_status.status_contact, name="status_contact"),
    path("status/<str:token>/export/", views_status.status_export, name="status_export"),
    path("status/<str:token>/withdraw/", views_status.status_withdraw, name="status_withdraw"),
]
