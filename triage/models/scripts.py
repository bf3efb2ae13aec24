from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TriageScript(models.Model):
    """One version of a team's triage script: rules, lexicon, texts and validation cases.

    Lifecycle: draft -> approved -> active -> retired. Only drafts can change; a change
    to anything approved is a new version. Every triage result keeps its version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="scripts")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    document = models.JSONField(help_text=_("The script document: rules, lexicon, texts, cases."))
    change_note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_scripts"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_scripts",
    )
    validation_report = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["team", "version"], name="unique_script_version"),
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(status="active"),
                name="one_active_script_per_team",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "active", "retired"])
                | models.Q(approved_by__isnull=False),
                name="approved_script_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} triage script v{self.version} ({self.get_status_display()})"

    @property
    def label(self) -> str:
        return f"{self.team.slug}-v{self.version}"
