"""Forms of the console: the queue filters and the case actions."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.actions import CLINICAL_DISPOSITIONS, ContactOutcome
from cases.models import Case
from intake.models import Intake
from triage.models import Acuity

REFERENCE_CHARS = re.compile(r"[^A-Z0-9]")


def normalize_reference(text: str) -> str:
    """ "abcd efgh" / "ABCDEFGH" / "abcd-efgh" -> "ABCD-EFGH" (partial codes stay partial)."""
    code = REFERENCE_CHARS.sub("", (text or "").upper())[:8]
    return f"{code[:4]}-{code[4:]}" if len(code) > 4 else code


class QueueFilterForm(forms.Form):
    """GET filters of the queue; every field is optional."""

    STATUS_CHOICES = [
        ("", _("Open and claimed")),
        (Case.Status.OPEN, _("Open")),
        (Case.Status.CLAIMED, _("Claimed")),
    ]

    q = forms.CharField(label=_("Reference code"), required=False, max_length=20)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    acuity = forms.ChoiceField(
        label=_("Acuity"), required=False, choices=[("", _("Any acuity")), *Acuity.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    crisis = forms.BooleanField(label=_("Has a crisis signal"), required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All my teams"))] + [(t.pk, t.name) for t in teams]

    def filter(self, queryset, user):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(reference__contains=normalize_reference(data["q"]))
        if data["team"]:
            queryset = queryset.filter(team_id=data["team"])
        if data["acuity"]:
            queryset = queryset.filter(acuity=data["acuity"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["mine"]:
            queryset = queryset.filter(claimed_by=user)
        if data["crisis"]:
            queryset = queryset.filter(crisis=True)
        return queryset

    def active_filters(self) -> dict:
        """The filters in use, for the audit event (no PHI: codes and choices only)."""
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


# No answer is chosen for the nurse: a default such as "Reached the patient" or
# "Appointment booked" gets recorded by a tired thumb without being true.
CHOOSE = ("", _("Choose…"))


class ContactAttemptForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=Intake.ContactMethod.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[CHOOSE, *ContactOutcome.choices],
        error_messages={"required": _("Choose the outcome of this attempt.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OverrideForm(forms.Form):
    to_acuity = forms.ChoiceField(label=_("New acuity"), choices=Acuity.choices)
    clear_crisis = forms.BooleanField(label=_("Clear the crisis flag"), required=False)
    reason = forms.CharField(label=_("Reason (required)"), widget=forms.Textarea(attrs={"rows": 2}))


class MissedSignalForm(forms.Form):
    CATEGORY_CHOICES = [
        ("suicide", _("Suicide risk")),
        ("self_harm", _("Self-harm")),
        ("harm_to_others", _("Risk of harm to others")),
        ("abuse", _("Abuse or neglect")),
        ("other", _("Other")),
    ]
    category = forms.ChoiceField(label=_("Kind of signal"), choices=CATEGORY_CHOICES)
    note = forms.CharField(
        label=_("What the engine missed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("Disposition"),
        choices=[CHOOSE, *((c.value, c.label) for c in CLINICAL_DISPOSITIONS)],
        error_messages={"required": _("Choose a disposition: how this case ends.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this record now?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your reason is recorded in the audit trail and reviewed by a supervisor."),
    )
