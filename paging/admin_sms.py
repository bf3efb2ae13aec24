"""Admin for SMS paging: each team's Twilio account and staff paging phone numbers.

The auth token is write-only: the form never renders it (not even after an error, so
it is typed again rather than echoed into the page), a blank field keeps the stored
one. Phone numbers are staff contact data kept like PHI: lists show the last digits
only, and opening or saving one is an audit event (``AuditedModelAdmin``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedModelAdmin
from paging.models import PagingPhone, SmsAccount
from paging.models.sms import normalize_phone, validate_e164


class SmsAccountForm(forms.ModelForm):
    new_auth_token = forms.CharField(
        label=_("Auth token"),
        required=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Stored encrypted and never shown again. Leave blank to keep the current token."
        ),
    )

    class Meta:
        model = SmsAccount
        fields = ["team", "account_sid", "from_number", "is_active"]

    def clean_from_number(self) -> str:
        return normalize_phone(self.cleaned_data["from_number"])

    def clean_new_auth_token(self) -> str:
        token = self.cleaned_data["new_auth_token"].strip()
        if token and not token.isalnum():
            raise forms.ValidationError(_("An auth token has only letters and digits."))
        if not token and self.instance._state.adding:
            raise forms.ValidationError(
                _("Enter the account's auth token (Twilio console, Account info).")
            )
        return token

    def save(self, commit: bool = True) -> SmsAccount:
        account = super().save(commit=False)
        if self.cleaned_data.get("new_auth_token"):
            account.auth_token = self.cleaned_data["new_auth_token"]
        if commit:
            account.save()
        return account


@admin.register(SmsAccount)
class SmsAccountAdmin(admin.ModelAdmin):
    form = SmsAccountForm
    list_display = ["team", "account_sid", "from_number", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["team__name"]
    fields = ["team", "account_sid", "new_auth_token", "from_number", "is_active"]


class PagingPhoneForm(forms.ModelForm):
    number = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        help_text=_("International format, e.g. +15550102030. Used only to send pages by SMS."),
    )

    class Meta:
        model = PagingPhone
        fields = ["user", "is_active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding and not self.is_bound:
            self.fields["number"].initial = self.instance.phone

    def clean_number(self) -> str:
        number = normalize_phone(self.cleaned_data["number"])
        validate_e164(number)
        return number

    def save(self, commit: bool = True) -> PagingPhone:
        phone = super().save(commit=False)
        phone.set_phone(self.cleaned_data["number"])
        if commit:
            phone.save()
        return phone


@admin.register(PagingPhone)
class PagingPhoneAdmin(AuditedModelAdmin):
    form = PagingPhoneForm
    list_display = ["user", "ending", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    fields = ["user", "number", "is_active"]

    @admin.display(description=_("number ending"))
    def ending(self, obj: PagingPhone) -> str:
        return f"…{obj.last_digits}"
