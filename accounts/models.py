from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member. Patients never have accounts."""

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Team(models.Model):
    """A clinic site or service. Every case belongs to one team."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams", blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    """A user's place in a team; supervisors see and oversee the team's cases."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    is_supervisor = models.BooleanField(_("supervises this team"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="unique_team_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class AccessPolicy(models.Model):
    """Holds the project's custom permissions; it has no table and no rows.

    Roles (Django groups) receive these permissions in a data migration; code checks
    them with ``user.has_perm("accounts.<codename>")`` or the helpers in
    ``accounts.roles``.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("read_phi", "Read patient health information"),
            ("work_cases", "Work cases: claim, disposition, messages"),
            ("override_triage", "Override a triage result with a reason"),
            ("confirm_override", "Confirm another clinician's triage override"),
            ("break_glass", "Open a case outside one's teams in an emergency"),
            ("manage_oncall", "Manage on-call schedules and escalation policies"),
            ("edit_triage_script", "Edit triage scripts"),
            ("approve_triage_script", "Approve triage scripts for use"),
            ("manage_users", "Manage staff accounts, roles and teams"),
            ("read_audit_trail", "Read the audit trail"),
            ("view_reports", "View reports"),
        ]

    def __str__(self) -> str:
        return "access policy"


class AccessChangeRequest(models.Model):
    """A change made in the admin that could open PHI, waiting for a supervisor.

    Created by ``accounts.approvals.access_change_request`` instead of applying the
    change; applied only by ``access_change_approve``, decided by someone other than
    the requester (a database constraint as well).
    """

    class Kind(models.TextChoices):
        ROLE_GRANT = "role_grant", _("grant a role")
        TEAM_MEMBERSHIP = "team_membership", _("add to a team")
        MFA_RESET = "mfa_reset", _("reset MFA")
        PASSWORD_SET = "password_set", _("set the password")

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting a supervisor")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("for user"),
        on_delete=models.CASCADE,
        related_name="access_change_requests",
    )
    group = models.ForeignKey(
        "auth.Group", verbose_name=_("role"), on_delete=models.CASCADE, null=True, blank=True
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True
    )
    is_supervisor = models.BooleanField(_("supervises this team"), default=False)
    # The new password's hash (never the password); cleared once the request is decided.
    password_hash = models.CharField(max_length=256, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("access change request")
        verbose_name_plural = _("access change requests")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="access_change_not_self_approved",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="access_change_decided_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} ({self.get_status_display()})"

    def describe(self) -> str:
        """What would change, in words (no secrets): for lists and messages."""
        if self.kind == self.Kind.ROLE_GRANT:
            return _("role %(role)s") % {"role": self.group.name if self.group else "?"}
        if self.kind == self.Kind.TEAM_MEMBERSHIP:
            text = _("team %(team)s") % {"team": self.team}
            return f"{text} ({_('supervisor')})" if self.is_supervisor else text
        return str(self.get_kind_display())
