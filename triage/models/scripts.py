from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TriageScript(models.Model):
    """One version of a team's triage script: rules, lexicon, texts and validation cases.

    Lifecycle: draft -> approved -> active -> retired. Only drafts can change; a change
    to anything approved is a new version. Every triage result keeps its version.

    With no team it is a version of the base every team builds on. A team version
    built on a base (``base``) holds only the team's own changes as phrase rows and
    ``threshold_overrides``; ``document`` is then the effective script, rebuilt on every
    change, and ``content_hash`` its identity. A version without phrase rows (pasted in
    the admin) keeps its document as written.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="scripts",
        null=True,
        blank=True,
        help_text=_("Empty for the base script that every team builds on."),
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    document = models.JSONField(help_text=_("The script document: rules, lexicon, texts, cases."))
    change_note = models.TextField(blank=True)
    # Null only for the base converted from the shipped lexicon by a migration.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_scripts",
        null=True,
        blank=True,
    )
    base = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="built_on",
        help_text=_("The base version a team version is built on."),
    )
    drafted_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The version this draft was copied from (its phrase diff is against it)."),
    )
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    threshold_overrides = models.JSONField(default=dict, blank=True)
    # The validation run (evaluation sets, clinic labels, phrase examples) of the
    # content named by its "content_hash"; the approval gate's report stays above.
    validation_run = models.JSONField(null=True, blank=True)
    shadow_report = models.JSONField(null=True, blank=True)
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
                fields=["version"],
                condition=models.Q(team__isnull=True),
                name="unique_base_script_version",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(status="active"),
                name="one_active_script_per_team",
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="active", team__isnull=True),
                name="one_active_base_script",
            ),
            # The shipped base (no author) was reviewed as code, not approved in the app.
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "active", "retired"])
                | models.Q(approved_by__isnull=False)
                | models.Q(author__isnull=True, team__isnull=True),
                name="approved_script_has_approver",
            ),
        ]

    def __str__(self) -> str:
        owner = self.team if self.team_id else _("Base")
        return f"{owner} triage script v{self.version} ({self.get_status_display()})"

    @property
    def label(self) -> str:
        """The stored version name (results keep it): ``north-v3``, ``default-v2``."""
        return f"{self.team.slug if self.team_id else 'default'}-v{self.version}"

    @property
    def display_label(self) -> str:
        """What a person reads: team, number and date; the hash stays the identity."""
        owner = self.team.name if self.team_id else _("Base (every team)")
        day = f"{self.created_at:%Y-%m-%d}" if self.created_at else ""
        return f"{owner}, version {self.version}" + (f" of {day}" if day else "")

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]

    @property
    def is_base(self) -> bool:
        return self.team_id is None
