import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.fields import EncryptedJSONField, EncryptedTextField
from triage.models.choices import Language

# No 0/O or 1/I/L: the code is read aloud over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A short, unguessable, pseudonymous code: the only identifier used outside PHI."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


class Intake(models.Model):
    """What a patient told us. Every personal field is encrypted at rest."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")

    class ContactMethod(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("E-mail")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=9, unique=True, default=new_reference, editable=False)
    consent = models.OneToOneField(
        "intake.Consent", on_delete=models.PROTECT, related_name="intake"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="intakes")
    language = models.CharField(max_length=8, choices=Language.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    step = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    # PHI, sealed with AES-GCM bound to this row and column.
    full_name = EncryptedTextField(blank=True, default="")
    date_of_birth = EncryptedTextField(blank=True, default="")  # ISO date
    phone = EncryptedTextField(blank=True, default="")
    email = EncryptedTextField(blank=True, default="")
    reason = EncryptedTextField(blank=True, default="")
    # {"phq9": [..9 ints], "gad7": [..7], "asq": {...}, "cssrs": {...}}
    answers = EncryptedJSONField(null=True, blank=True)

    # Blind indexes (HMAC) to find a returning patient without decrypting every row.
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    email_index = models.CharField(max_length=64, blank=True, db_index=True)

    preferred_contact = models.CharField(max_length=8, choices=ContactMethod.choices, blank=True)
    voicemail_ok = models.BooleanField(null=True)

    # Optional, coarse demographics for fairness monitoring; "" means not answered.
    age_band = models.CharField(max_length=16, blank=True)
    gender = models.CharField(max_length=32, blank=True)
    preferred_language = models.CharField(max_length=32, blank=True)

    # Private status link: only a hash of the token is stored.
    status_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status_token_expires_at = models.DateTimeField(null=True, blank=True)
    status_token_revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "triage_intake"
        indexes = [models.Index(fields=["status", "created_at"], name="intake_status_created")]

    def __str__(self) -> str:
        return f"Intake {self.reference}"
