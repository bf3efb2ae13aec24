"""Intake forms. Every message says what is wrong with that field and how to fix it."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake import screeners
from intake.models import Intake

MAX_NAME = 200
MAX_REASON = 4000
MAX_PHONE = 32
MAX_EMAIL = 254

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
PREFER_NOT = ("prefer_not", _("Prefer not to say"))
AGE_BANDS = [
    ("under_18", _("Under 18")),
    ("18_24", _("18 to 24")),
    ("25_34", _("25 to 34")),
    ("35_44", _("35 to 44")),
    ("45_54", _("45 to 54")),
    ("55_64", _("55 to 64")),
    ("65_plus", _("65 or older")),
    PREFER_NOT,
]
GENDERS = [
    ("woman", _("Woman")),
    ("man", _("Man")),
    ("non_binary", _("Non-binary")),
    ("another", _("Another gender")),
    PREFER_NOT,
]
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("other", _("Another language")),
    PREFER_NOT,
]


class AccessibleForm(forms.Form):
    """Links every field to its help text and error (aria-describedby, aria-invalid)."""

    def error_id(self, name: str) -> str:
        return f"{self[name].auto_id}-error"

    def help_id(self, name: str) -> str:
        return f"{self[name].auto_id}-help"

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            described = [self.help_id(name)] if field.help_text else []
            if self.errors.get(name):
                described.append(self.error_id(name))
                field.widget.attrs["aria-invalid"] = "true"
            if described and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) pairs for the error summary at the top of the page."""
        links = [("", str(message)) for message in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                anchor = self[name].auto_id
                if isinstance(self.fields[name].widget, forms.RadioSelect):
                    anchor = f"{anchor}_0"
                links.append((anchor, str(message)))
        return links


class SpamGuardForm(AccessibleForm):
    """An intake page's form: the view adds the honeypot and the signed page token,
    which is bound to the session and the step (see spamguard)."""


def _radio(choices, required_message, required=True, label=""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        error_messages={
            "required": required_message,
            "invalid_choice": _("Choose one of the answers shown."),
        },
    )


class ConsentForm(SpamGuardForm):
    document = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("I have read this and I agree."),
        error_messages={
            "required": _(
                "To continue, tick the box to say you agree. If you do not agree, you can"
                " close this page: nothing about you has been stored."
            )
        },
    )


class ContactForm(SpamGuardForm):
    full_name = forms.CharField(
        label=_("Your name"),
        max_length=MAX_NAME,
        error_messages={
            "required": _("Enter your name, so we know who to ask for."),
            "max_length": _("Your name must be %(limit_value)d characters or fewer."),
        },
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        help_text=_("Use the date picker, or type it as year-month-day, like 1990-03-27."),
        max_length=10,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={
            "required": _("Enter your date of birth."),
            "max_length": _("Enter your date of birth as year-month-day, like 1990-03-27."),
        },
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=MAX_PHONE,
        help_text=_("Needed if you want a call or a text message."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": _("A phone number has %(limit_value)d characters or fewer.")},
    )
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=MAX_EMAIL,
        help_text=_("Needed if you want an e-mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "max_length": _("An e-mail address has %(limit_value)d characters or fewer.")
        },
    )
    preferred_contact = _radio(
        Intake.ContactMethod.choices,
        _("Choose how you would like us to contact you."),
        label=_("How should we contact you?"),
    )
    voicemail_ok = _radio(
        YES_NO,
        _("Tell us whether we may leave a voicemail at this number."),
        required=False,
        label=_("Is it safe for us to leave a voicemail at this number?"),
    )

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name, so we know who to ask for."))
        return name

    def clean_date_of_birth(self):
        raw = self.cleaned_data["date_of_birth"].strip()
        for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
            try:
                born = dt.datetime.strptime(raw, pattern).date()
                break
            except ValueError:
                continue
        else:
            raise forms.ValidationError(
                _("Enter your date of birth as year-month-day, like 1990-03-27.")
            )
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("Your date of birth must be in the past."))
        if born.year < today.year - 120:
            raise forms.ValidationError(_("Check the year of your date of birth."))
        return born.isoformat()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.fullmatch(r"[0-9+().\-\s]+", phone):
            raise forms.ValidationError(
                _("A phone number can only have digits, spaces and + ( ) - .")
            )
        digits = re.sub(r"\D", "", phone)
        if phone and not 7 <= len(digits) <= 15:
            raise forms.ValidationError(
                _("Enter a phone number with 7 to 15 digits, like 555 010 0199.")
            )
        return phone

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email:
            try:
                EmailValidator()(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Enter an e-mail address like name@example.com.")
                ) from None
        return email

    def clean(self):
        data = super().clean()
        method = data.get("preferred_contact")
        if method in ("phone", "text") and "phone" in data and not data["phone"]:
            self.add_error("phone", _("Enter a phone number, so we can call or text you."))
        if method == "email" and "email" in data and not data["email"]:
            self.add_error("email", _("Enter an e-mail address, so we can write to you."))
        if data.get("phone") and "voicemail_ok" in data and not data["voicemail_ok"]:
            self.add_error(
                "voicemail_ok", _("Tell us whether we may leave a voicemail at this number.")
            )
        return data


class ReasonForm(SpamGuardForm):
    reason = forms.CharField(
        label=_("Why are you contacting the clinic?"),
        help_text=_("In your own words. Up to 4,000 characters."),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Tell us in a few words why you are contacting the clinic."),
            "max_length": _(
                "Please shorten this to 4,000 characters or fewer (it has %(show_value)d)."
            ),
        },
    )


class ScreenerForm(SpamGuardForm):
    """One radio group per item of a screener (items ``first``..``last``, 1-based)."""

    screener_key = ""
    first, last = 1, 0

    def __init__(self, *args, language: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.screener = screeners.screener(self.screener_key, language)
        for number in range(self.first, self.last + 1):
            self.fields[f"q{number}"] = forms.ChoiceField(
                label=self.screener.items[number - 1],
                choices=self.screener.options,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer for question %(number)s.") % {"number": number},
                    "invalid_choice": _("Choose one of the answers shown for question %(number)s.")
                    % {"number": number},
                },
            )
            self.fields[f"q{number}"].number = number


class PHQ9Form(ScreenerForm):
    screener_key, first, last = "phq9", 1, 9

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        question, options = self.screener.difficulty
        self.fields["difficulty"] = forms.ChoiceField(
            label=question,
            choices=options,
            widget=forms.RadioSelect,
            required=False,
            error_messages={"invalid_choice": _("Choose one of the answers shown.")},
        )


class GAD7Form(ScreenerForm):
    screener_key, first, last = "gad7", 1, 7


class ASQForm(ScreenerForm):
    screener_key, first, last = "asq", 1, 4


class ASQNowForm(ScreenerForm):
    screener_key, first, last = "asq", 5, 5


class DemographicsForm(SpamGuardForm):
    age_band = _radio(AGE_BANDS, "", required=False, label=_("Age"))
    gender = _radio(GENDERS, "", required=False, label=_("Gender"))
    preferred_language = _radio(
        LANGUAGES, "", required=False, label=_("Which language do you prefer?")
    )


class ReviewForm(SpamGuardForm):
    """Nothing to fill in: the patient checks the summary and sends."""


STEP_FORMS = {
    "consent": ConsentForm,
    "contact": ContactForm,
    "reason": ReasonForm,
    "phq9": PHQ9Form,
    "gad7": GAD7Form,
    "asq": ASQForm,
    "asq_now": ASQNowForm,
    "demographics": DemographicsForm,
    "review": ReviewForm,
}


class StatusContactForm(ContactForm):
    """Updating contact details from the status link (name and birth date stay)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["full_name"]
        del self.fields["date_of_birth"]


class WithdrawForm(AccessibleForm):
    confirm = forms.BooleanField(
        label=_("I want to withdraw my consent and stop this request."),
        error_messages={
            "required": _("Tick the box to confirm that you want to withdraw your consent.")
        },
    )
