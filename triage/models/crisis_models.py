from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CrisisModel(models.Model):
    """One version of the learned crisis model, governed like a triage script.

    Lifecycle: draft -> approved (by someone other than its author, with a validation
    report that meets the floors) -> active -> retired. One model is active at a time;
    with none active the shipped artifact is used. The artifact never changes: its
    content hash is the version, so a retrained model is always a new row.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    number = models.PositiveIntegerField(unique=True)
    version = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    artifact = models.BinaryField(help_text=_("The model as an .npz file (no pickled code)."))
    threshold = models.FloatField()
    training_note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_crisis_models",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_crisis_models",
    )
    validation_report = models.JSONField(null=True, blank=True)
    reliability_png = models.BinaryField(null=True, blank=True)
    shadow_report = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        permissions = [("approve_crisismodel", "Approve a crisis model for use")]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="active"),
                name="one_active_crisis_model",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "active", "retired"])
                | models.Q(approved_by__isnull=False),
                name="approved_crisis_model_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def label(self) -> str:
        """What a person reads: number and date; the hash stays the identity."""
        return (
            f"crisis model {self.number} of {self.created_at:%Y-%m-%d}"
            if self.created_at
            else (f"crisis model {self.number}")
        )
