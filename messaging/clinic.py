"""A team's clinic facts (admin rows over settings defaults) and the answers built from them.

The assistant states only these facts, in fixed sentences translated like the rest of
the site: opening hours (with holidays), the phone number and the address. A fact
that is not configured is not answered from here (the approved script text answers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from intake.templatetags.patient_dates import patient_datetime_text
from messaging.models import ClinicProfile
from triage.engine.clinic_calendar import DAYS, Calendar, parse_hours
from triage.engine.clinic_questions import ADDRESS, HOURS, PHONE, FactQuestion

# Ids of the assistant's answers built here (Message.reply_text_id); not script texts.
FACT_TEXT_IDS = {
    HOURS: "clinic_facts_hours",
    PHONE: "clinic_facts_phone",
    ADDRESS: "clinic_facts_address",
}
# Holidays named in an hours answer: those in the coming weeks.
HOLIDAY_HORIZON_DAYS = 60
_TIME_FORMATS = {"en": "g:i A", "es": "H:i"}
_DATE_FORMATS = {"en": "l, F j", "es": r"l j \d\e F"}


@dataclass(frozen=True)
class ClinicFacts:
    phone: str
    address: dict[str, str]
    calendar: Calendar
    # date -> {"en": name, "es": name}
    holiday_names: dict[dt.date, dict[str, str]] = field(default_factory=dict)
    callback_acuity: str = "soon"
    callback_minutes: int = 240


def _settings_holidays() -> dict[dt.date, dict[str, str]]:
    out = {}
    for item in settings.CLINIC_HOLIDAYS or []:
        day = dt.date.fromisoformat(item["date"])
        out[day] = {"en": item.get("en", ""), "es": item.get("es") or item.get("en", "")}
    return out


def facts_for(team) -> ClinicFacts:
    """The team's facts: its ``ClinicProfile`` where filled in, else the settings."""
    profile = ClinicProfile.objects.filter(team_id=team.pk).prefetch_related("holidays").first()
    holidays = _settings_holidays()
    if profile is not None and profile.holidays.all():
        # A team's own holidays replace the defaults (another site, another calendar).
        holidays = {h.date: {"en": h.name_en, "es": h.name_es} for h in profile.holidays.all()}
    default_address = settings.CLINIC_ADDRESS or {}
    address = {
        lang: (getattr(profile, f"address_{lang}", "") if profile else "")
        or default_address.get(lang, "")
        for lang in ("en", "es")
    }
    address["es"] = address["es"] or address["en"]
    hours = (profile.hours if profile and profile.hours else None) or settings.CLINIC_HOURS
    return ClinicFacts(
        phone=(profile.phone if profile else "") or settings.CLINIC_PHONE,
        address=address,
        calendar=Calendar(parse_hours(hours), team.time_zone, frozenset(holidays)),
        holiday_names=holidays,
        callback_acuity=(profile.callback_acuity if profile else "") or settings.CALLBACK_ACUITY,
        callback_minutes=(profile.callback_minutes if profile else None)
        or settings.CALLBACK_RESPONSE_MINUTES,
    )


def has_fact(facts: ClinicFacts, question: FactQuestion, language: str) -> bool:
    if question.kind == PHONE:
        return bool(facts.phone)
    if question.kind == ADDRESS:
        return bool(facts.address.get(language))
    return bool(facts.calendar.hours)


def _time(value: dt.time, language: str) -> str:
    return dateformat.time_format(value, _TIME_FORMATS.get(language, _TIME_FORMATS["en"]))


def _date(value: dt.date, language: str) -> str:
    return dateformat.format(value, _DATE_FORMATS.get(language, _DATE_FORMATS["en"]))


def _day_name(index: int) -> str:
    names = (
        _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"),
        _("Sunday"),
    )  # fmt: skip
    return names[index]


def _span(span, language: str) -> str:
    return _("%(start)s to %(end)s") % {
        "start": _time(span[0], language),
        "end": _time(span[1], language),
    }


def _open_now(facts: ClinicFacts, now: dt.datetime, language: str) -> str:
    if facts.calendar.is_open(now):
        return _("The clinic is open now.")
    opening = facts.calendar.next_opening(now)
    if opening is None:
        return _("The clinic is closed now.")
    return _("The clinic is closed now. It opens %(when)s.") % {
        "when": patient_datetime_text(opening, facts.calendar.tz)
    }


def _upcoming_holidays(facts: ClinicFacts, now: dt.datetime, language: str) -> str:
    today = now.astimezone(facts.calendar.zone).date()
    soon = [
        (day, names)
        for day, names in sorted(facts.holiday_names.items())
        if today <= day <= today + dt.timedelta(days=HOLIDAY_HORIZON_DAYS)
    ]
    if not soon:
        return ""
    listed = "; ".join(
        f"{_date(day, language)} ({names.get(language) or names.get('en', '')})"
        for day, names in soon
    )
    return _("Closed on holidays: %(days)s.") % {"days": listed}


def _hours_answer(facts: ClinicFacts, weekday: int | None, now, language: str) -> str:
    hours = facts.calendar.hours
    if weekday is not None:
        day = facts.calendar.next_date_for(weekday, now)
        if day in facts.holiday_names:
            name = facts.holiday_names[day].get(language) or facts.holiday_names[day]["en"]
            first = _("%(date)s is a holiday (%(name)s): the clinic is closed.") % {
                "date": _date(day, language),
                "name": name,
            }
        elif weekday in hours:
            first = _("On %(day)s the clinic is open from %(span)s.") % {
                "day": _day_name(weekday),
                "span": _span(hours[weekday], language),
            }
        else:
            first = _("The clinic is closed on %(day)s.") % {"day": _day_name(weekday)}
        return " ".join((first, _open_now(facts, now, language)))
    lines = [
        _("%(day)s: %(span)s") % {"day": _day_name(i), "span": _span(hours[i], language)}
        if i in hours
        else _("%(day)s: closed") % {"day": _day_name(i)}
        for i in range(len(DAYS))
    ]
    parts = [_("Opening hours:"), "; ".join(lines) + ".", _open_now(facts, now, language)]
    holidays = _upcoming_holidays(facts, now, language)
    if holidays:
        parts.append(holidays)
    return " ".join(parts)


def answer(facts: ClinicFacts, question: FactQuestion, language: str, now=None) -> str:
    """The assistant's answer to a fact question, in ``language`` (the fact must exist)."""
    now = now or timezone.now()
    with override(language):
        if question.kind == PHONE:
            return _("The clinic's phone number is %(phone)s.") % {"phone": facts.phone}
        if question.kind == ADDRESS:
            return _("The clinic's address is: %(address)s") % {
                "address": " ".join(facts.address[language].split())
            }
        if question.kind == HOURS:
            return _hours_answer(facts, question.weekday, now, language)
    raise ValueError(question.kind)
