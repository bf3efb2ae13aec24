"""One way to write a date and time on patient pages, per language.

Django's DATETIME_FORMAT differs between its English and Spanish locales and pages
used to mix it with ad-hoc formats; a patient comparing "sent", "we will read it"
and "we aim to contact you by" must see the same kind of date everywhere.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import get_language

register = template.Library()

# Django date-format strings; month and day names follow the active language.
PATIENT_DATETIME_FORMATS = {
    "en": "l, F j, Y, g:i A",  # Monday, November 30, 2026, 8:00 AM
    "es": r"l j \d\e F \d\e Y, H:i",  # lunes 30 de noviembre de 2026, 08:00
}


def patient_datetime_text(value: dt.datetime, tz: str | None = None) -> str:
    """``value`` in the clinic's time zone ``tz`` (default: the current one), written
    the patient pages' way for the active language."""
    zone = ZoneInfo(tz) if tz else timezone.get_current_timezone()
    if timezone.is_aware(value):
        value = value.astimezone(zone)
    language = (get_language() or "en")[:2]
    return dateformat.format(
        value, PATIENT_DATETIME_FORMATS.get(language, PATIENT_DATETIME_FORMATS["en"])
    )


@register.filter
def patient_datetime(value: dt.datetime | None, tz: str | None = None) -> str:
    """``{{ case.due_at|patient_datetime:case.team.time_zone }}``."""
    if not value:
        return ""
    return patient_datetime_text(value, tz)
