"""The admin's lifecycle actions (approve, activate, ...) applied row by row."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages


def each(
    model_admin: admin.ModelAdmin,
    request,
    queryset,
    step: Callable,
    done: str,
    refused: type[Exception],
    name: Callable = str,
) -> None:
    """Run ``step`` on every selected row; say per row what happened, or why it was
    refused (the lifecycle's own error says why in words for the admin)."""
    for row in queryset:
        try:
            step(row)
        except refused as exc:
            model_admin.message_user(request, f"{name(row)}: {exc}", messages.ERROR)
        else:
            model_admin.message_user(request, f"{name(row)}: {done}", messages.SUCCESS)
