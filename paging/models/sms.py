"""SMS paging: a team's provider account (Twilio) and the phone numbers staff are paged on.

A team without an active ``SmsAccount`` gets no SMS notifications; a person without an
active ``PagingPhone`` gets none either. Neither row is ever needed for e-mail,
webhook or console alerts.
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.fields import EncryptedTextField

E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")


def normalize_phone(value: str) -> str:
    """``+1 (555) 010-2030`` -> ``+15550102030``; spaces, dots, dashes and brackets go."""
    return re.sub(r"[\s().-]", "", value or "")


def validate_e164(value: str) -> None:
    if not E164.match(normalize_phone(value)):
        raise ValidationError(
            _(
                "Enter the number in international format: a plus sign, the country code "
                "and the number, for example +15550102030."
            ),
            code="e164",
        )


def validate_account_sid(value: str) -> None:
    if not ACCOUNT_SID.match(value or ""):
        raise ValidationError(
            _("A Twilio account SID is AC followed by 32 letters and digits (see the console)."),
            code="account_sid",
        )


class SmsAccount(models.Model):
    """One team's (clinic's) Twilio account used to send its pages by SMS.

    The auth token is stored in the database, sealed with the PHI keys (AES-256-GCM, bound
    to this row and column), rather than named as an environment variable: each clinic
    has its own account, set up and rotated by an administrator in the admin without a
    deploy, and a copy of the database or a backup alone does not reveal it. It is
    re-encrypted by ``rotate_phi_keys`` with everything else, never shown back in the
    admin (a blank field keeps it), left out of the change history and never logged.
    """

    # A UUID primary key exists before the first save: the sealed token is bound to it.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.OneToOneField(
        "accounts.Team",
        on_delete=models.CASCADE,
        related_name="sms_account",
        verbose_name=_("team"),
    )
    account_sid = models.CharField(
        _("account SID"), max_length=34, validators=[validate_account_sid]
    )
    auth_token = EncryptedTextField(_("auth token"), editable=False)
    from_number = models.CharField(
        _("from number"),
        max_length=16,
        validators=[validate_e164],
        help_text=_("The team's SMS-capable Twilio number, e.g. +15550102030."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team"]
        verbose_name = _("SMS account (Twilio)")
        verbose_name_plural = _("SMS accounts (Twilio)")

    def __str__(self) -> str:
        return f"{self.team}: {self.from_number}"


class PagingPhone(models.Model):
    """The mobile number a staff member is paged on by SMS.

    Staff contact data is kept like PHI: sealed at rest, shown only as its last digits
    outside the admin form (whose views are audited), never logged and never copied into
    notification rows (they keep only the last digits).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="paging_phone",
        verbose_name=_("staff member"),
    )
    phone = EncryptedTextField(_("mobile number"), editable=False)
    # The last four digits: enough to tell numbers apart in lists, not to call anyone.
    last_digits = models.CharField(max_length=4, editable=False)
    is_active = models.BooleanField(
        _("page by SMS"), default=True, help_text=_("Off: keep the number, send no SMS.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user"]
        verbose_name = _("paging phone number")
        verbose_name_plural = _("paging phone numbers")

    def __str__(self) -> str:
        return f"{self.user} (…{self.last_digits})"

    def set_phone(self, value: str) -> None:
        number = normalize_phone(value)
        validate_e164(number)
        self.phone = number
        self.last_digits = number[-4:]
