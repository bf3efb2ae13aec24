"""A patient's request to talk to a person, and the clinic facts the assistant may state.

Imported by ``messaging.models`` (Django finds models there).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triage.engine.clinic_calendar import CalendarError, parse_hours
from triage.models.choices import Acuity


class CallbackRequest(models.Model):
    """ "I'd like to talk to a person": one open request per case, with its own timer."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("E-mail")

    class Window(models.TextChoices):
        ANY = "any", _("Any time the clinic is open")
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")

    class Source(models.TextChoices):
        BUTTON = "button", _("The “talk to a person” button")
        MESSAGE = "message", _("Asked in a message")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="callback_requests"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    window = models.CharField(max_length=10, choices=Window.choices, default=Window.ANY)
    source = models.CharField(max_length=8, choices=Source.choices)
    # The patient message that asked, when it was typed.
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The latest time promised to the patient (the team's callback target, moved into
    # the clinic's opening hours).
    due_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # A second press or a second "can I talk to someone?" joins the open one.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_callback_per_case",
            ),
            models.CheckConstraint(
                condition=Q(resolved_by__isnull=True) | Q(resolved_at__isnull=False),
                name="callback_resolver_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Callback request {self.pk} ({'resolved' if self.resolved_at else 'open'})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def overdue(self) -> bool:
        return self.resolved_at is None and self.due_at <= timezone.now()


def _validate_hours(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_('Write the hours as {"mon": ["08:00", "18:00"], ...}.'))
    try:
        parse_hours(value)
    except CalendarError as exc:
        raise ValidationError(str(exc)) from exc


class ClinicProfile(models.Model):
    """A team's clinic facts, in English and Spanish; blank fields use the settings."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, related_name="clinic_profile"
    )
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, help_text=_("Blank: CLINIC_PHONE.")
    )
    address_en = models.TextField(_("address (English)"), blank=True)
    address_es = models.TextField(_("address (Spanish)"), blank=True)
    hours = models.JSONField(
        _("opening hours"),
        default=dict,
        blank=True,
        validators=[_validate_hours],
        help_text=_(
            'In the team\'s time zone, e.g. {"mon": ["08:00", "18:00"]}; days left out are '
            "closed. Empty: CLINIC_HOURS."
        ),
    )
    # The team's rule for a request to talk to a person: the case is raised to at least
    # this acuity (never lowered), and the patient is promised an answer within this time.
    callback_acuity = models.CharField(
        _("acuity of a callback request"),
        max_length=8,
        choices=Acuity.choices,
        blank=True,
        help_text=_("Blank: CALLBACK_ACUITY."),
    )
    callback_minutes = models.PositiveIntegerField(
        _("minutes to answer a callback request"),
        null=True,
        blank=True,
        help_text=_("Within opening hours. Blank: CALLBACK_RESPONSE_MINUTES."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("clinic facts")
        verbose_name_plural = _("clinic facts")

    def __str__(self) -> str:
        return f"Clinic facts of {self.team}"


class ClinicHoliday(models.Model):
    """A day the clinic is closed, with its name in both languages."""

    profile = models.ForeignKey(ClinicProfile, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_es = models.CharField(_("name (Spanish)"), max_length=80)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "date"], name="one_holiday_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.name_en}"
