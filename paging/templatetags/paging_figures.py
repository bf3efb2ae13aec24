from django import template

register = template.Library()


@register.filter
def seconds(value) -> str:
    """1.234 -> "1.2 s", 75 -> "1 min 15 s", None -> "–"."""
    if value is None:
        return "–"
    if value < 60:
        return f"{value:.1f} s"
    minutes, secs = divmod(round(value), 60)
    return f"{minutes} min {secs} s"
