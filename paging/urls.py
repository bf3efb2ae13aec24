"""Console URLs of paging, included under /console/paging/ (namespace console:paging)."""

from django.urls import path

from paging import views

app_name = "paging"

urlpatterns = [
    path("", views.oncall_view, name="oncall"),
    path("alerts/", views.alerts, name="alerts"),
    path("figures/", views.figures, name="figures"),
    path("overrides/", views.override_create, name="override_create"),
    path("pages/<uuid:page_id>/", views.page_detail, name="page_detail"),
    path("pages/<uuid:page_id>/acknowledge/", views.page_acknowledge_view, name="acknowledge"),
    path("pages/<uuid:page_id>/resolve/", views.page_resolve_view, name="resolve"),
]
