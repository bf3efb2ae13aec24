"""Console URLs of paging, included under /console/paging/ (namespace console:paging)."""

from django.urls import path

from paging import views, views_panel

app_name = "paging"

urlpatterns = [
    path("", views.oncall_view, name="oncall"),
    path("alerts/", views.alerts, name="alerts"),
    path("figures/", views.figures, name="figures"),
    path("overrides/", views.override_create, name="override_create"),
    path("pages/<uuid:page_id>/", views.page_detail, name="page_detail"),
    path("pages/<uuid:page_id>/acknowledge/", views.page_acknowledge_view, name="acknowledge"),
    path("pages/<uuid:page_id>/resolve/", views.page_resolve_view, name="resolve"),
    # The alert panel (views_panel.py): its poll, one-tap actions, notification links.
    path("panel/", views_panel.panel, name="panel"),
    path("pages/<uuid:page_id>/act/", views_panel.page_action, name="page_action"),
    path("link/<str:token>/", views_panel.act_link, name="act_link"),
]
