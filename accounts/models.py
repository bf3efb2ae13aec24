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
