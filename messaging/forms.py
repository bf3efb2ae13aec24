from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.text import visible
from messaging.bodies import body_problem, normalize_body


class MessageForm(forms.Form):
    """One message. On any error the text stays in the box (nothing typed is lost)."""

    # No max_length here: the limit is checked (with a clear message) in clean_body, and
    # the browser must not silently cut a pasted text.
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Our own clear message for NUL characters (clean_body), not Django's generic one.
        self.fields["body"].validators = []

    def clean_body(self) -> str:
        raw = self.cleaned_data.get("body") or ""
        body = normalize_body(raw)
        problem = body_problem(body)
        if problem:
            # Kept in the box as typed, with unprintable characters shown as �.
            self.data = self.data.copy()
            self.data[self.add_prefix("body")] = visible(raw)
            raise forms.ValidationError(problem)
        return body


class StaffReplyForm(MessageForm):
    body = forms.CharField(
        label=_("Reply to the patient"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CallbackForm(forms.Form):
    """'I'd like to talk to a person': how and when to reach the patient."""

    channel = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=[
            ("phone", _("Phone call")),
            ("text", _("Text message")),
            ("email", _("E-mail")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how we should contact you.")},
    )
    window = forms.ChoiceField(
        label=_("When is a good time?"),
        choices=[
            ("any", _("Any time the clinic is open")),
            ("morning", _("Morning")),
            ("afternoon", _("Afternoon")),
            ("evening", _("Evening")),
        ],
        initial="any",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a time.")},
    )
