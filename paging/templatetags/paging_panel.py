"""The alert panel on every console page, and the page actions on a case page."""

from django import template

from paging import panel

register = template.Library()


def _user(context):
    request = context.get("request")
    return request, getattr(request, "user", None)


@register.inclusion_tag("paging/panel/panel.html", takes_context=True)
def alert_panel(context) -> dict:
    """``{% load paging_panel %}{% alert_panel %}``: verified staff sessions only."""
    request, user = _user(context)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"show": False}
    items = panel.panel_items(user)
    return {
        "show": True,
        "items": items,
        "ringing": sum(1 for item in items if item.ringing),
        "version": panel.panel_version(user),
        "poll_seconds": panel.POLL_SECONDS,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("paging/panel/case_actions.html", takes_context=True)
def case_page_actions(context, case) -> dict:
    """``{% case_page_actions case %}``: the open pages of this case with their buttons."""
    request, user = _user(context)
    return {
        "items": panel.case_items(user, case),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
