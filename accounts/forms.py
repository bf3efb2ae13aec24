from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class SetupTokenForm(TokenForm):
    token = forms.CharField(
        label=_("Six-digit code from the app"),
        max_length=8,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )


class StaffAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, with the username length enforced on the server.

    AuthenticationForm sets the field's ``max_length`` after the field is built, so no
    validator checks it: a very long username reached authenticate() and django-axes,
    whose username column (255) refused it with a 500 (found by
    tests/security/test_public_form_fuzz.py).
    """

    def clean_username(self):
        username = self.cleaned_data.get("username") or ""
        if len(username) > self.fields["username"].max_length:
            raise self.get_invalid_login_error()
        return username
