from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from paging.models import OnCallSchedule


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Resolution note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What was done. Shown on the case timeline."),
    )


class OverrideForm(forms.Form):
    schedule = forms.ModelChoiceField(label=_("Schedule"), queryset=OnCallSchedule.objects.none())
    user = forms.ModelChoiceField(label=_("Covered by"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, team_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schedule"].queryset = OnCallSchedule.objects.filter(
            team_id__in=team_ids, is_active=True
        ).select_related("team")
        self.fields["user"].queryset = User.objects.filter(
            is_active=True, teams__in=team_ids
        ).distinct()
