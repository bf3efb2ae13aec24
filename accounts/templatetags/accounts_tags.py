from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def session_idle_timeout() -> int:
    """Seconds of inactivity before staff are signed out (for the warning script)."""
    return int(settings.SESSION_IDLE_TIMEOUT)
