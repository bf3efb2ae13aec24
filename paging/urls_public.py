"""Signed links from notifications (no session): namespace paging_public, under /paging/."""

from django.urls import path

from paging import views_public

app_name = "paging_public"

urlpatterns = [
    path("ack/<str:token>/", views_public.ack, name="ack"),
    path("shift/<str:token>/", views_public.shift_confirm_view, name="shift_confirm"),
]
