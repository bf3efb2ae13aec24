from django import template

from paging.context import banner_context

register = template.Library()


@register.inclusion_tag("paging/snippets/banner.html", takes_context=True)
def paging_banner(context) -> dict:
    """The red banner: ``{% load paging %}{% paging_banner %}`` in a console template."""
    request = context.get("request")
    return banner_context(getattr(request, "user", None))


@register.inclusion_tag("paging/snippets/alerts.html", takes_context=True)
def paging_alerts(context) -> dict:
    """The polling in-console alert area with its sound (staff pages only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"show": bool(user is not None and user.is_authenticated)}
