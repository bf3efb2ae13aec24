import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from triage.models.choices import Language


class ConsentDocument(models.Model):
    """The consent text patients read and accept. Published versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Plain words. Shown to patients as written."))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "triage_consentdocument"
        ordering = ["language", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["language", "version"], name="unique_consent_version"),
            models.UniqueConstraint(
                fields=["language"],
                condition=models.Q(status="published"),
                name="one_published_consent_per_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language} v{self.version}, {self.get_status_display()})"

    # ---- intake: published text is immutable (row-local invariant) ----
    def save(self, *args, **kwargs):
        """Refuse any change to the title or body of a published or superseded version.

        Publishing itself goes through ``intake.services.consent_document_publish``.
        """
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values("title", "body", "status").first()
            if (
                stored is not None
                and stored["status"] != self.Status.DRAFT
                and (stored["title"], stored["body"]) != (self.title, self.body)
            ):
                raise ValueError("A published consent document cannot change; write a new version.")
        super().save(*args, **kwargs)

    @property
    def body_hash(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.body}".encode()).hexdigest()


class Consent(models.Model):
    """A patient's explicit agreement to one version of the consent document."""

    class Method(models.TextChoices):
        WEB_CHECKBOX = "web_checkbox", _("Web form checkbox")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    document_version = models.PositiveIntegerField()
    document_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=8, choices=Language.choices)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.WEB_CHECKBOX)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "triage_consent"

    def __str__(self) -> str:
        return (
            f"Consent v{self.document_version} ({self.language}) at {self.given_at:%Y-%m-%d %H:%M}"
        )
