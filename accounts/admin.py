"""Admin pages for staff accounts, roles (groups) and teams.

Administrators (the ``administrator`` role) manage accounts here but cannot raise
their own privileges: only a superuser may grant superuser status, direct
permissions or change which permissions a role carries, and nobody changes their
own roles or status.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Team, TeamMembership, User
from accounts.services import mfa_reset, user_unlock

_SELF_PROTECTED = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user"]


class UserTeamInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    fields = ["team", "is_supervisor", "joined_at"]
    readonly_fields = ["joined_at"]
    verbose_name = _("team")
    verbose_name_plural = _("teams")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "full_name",
        "email",
        "role_names",
        "team_names",
        "has_mfa",
        "is_locked",
        "is_active",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "groups", "teams"]
    search_fields = ["username", "first_name", "last_name", "email"]
    inlines = [UserTeamInline]
    actions = ["reset_mfa", "unlock_sign_in"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "teams")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            readonly += [f for f in _SELF_PROTECTED if f not in readonly]
        return readonly

    def has_change_permission(self, request, obj=None):
        # Only a superuser edits a superuser (including their password).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("name"))
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description=_("roles"))
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all())

    @admin.display(description=_("teams"))
    def team_names(self, user):
        return ", ".join(team.name for team in user.teams.all())

    @admin.display(description=_("MFA set up"), boolean=True)
    def has_mfa(self, user):
        return TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    @admin.display(description=_("locked out"), boolean=True)
    def is_locked(self, user):
        return AccessAttempt.objects.filter(
            username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).exists()

    @admin.action(
        description=_("Reset MFA (the user must set up an authenticator again)"),
        permissions=["change"],
    )
    def reset_mfa(self, request, queryset):
        for user in queryset:
            mfa_reset(user=user)
            self.log_change(request, user, "Reset MFA: all OTP devices deleted.")
        self.message_user(
            request,
            _(
                "MFA reset. Accounts affected: %(count)d. They will set up an authenticator"
                " at their next sign-in."
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock sign-in (clear failed attempts)"), permissions=["change"])
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            user_unlock(username=user.username)
            self.log_change(request, user, "Unlocked sign-in (axes attempts cleared).")
        self.message_user(
            request,
            _("Sign-in unlocked. Accounts affected: %(count)d.") % {"count": queryset.count()},
            messages.SUCCESS,
        )


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(DjangoGroupAdmin):
    list_display = ["name", "member_count", "permission_count"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                members=Count("user", distinct=True), perms=Count("permissions", distinct=True)
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # What a role may do is decided in migrations (accounts/migrations/0003_roles.py)
        # or by a superuser, never by an administrator granting it to themselves.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["name", "permissions"] if obj is not None else ["permissions"]

    @admin.display(description=_("members"), ordering="members")
    def member_count(self, group):
        return group.members

    @admin.display(description=_("permissions"), ordering="perms")
    def permission_count(self, group):
        return group.perms


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "member_count", "supervisor_names", "is_active"]
    list_filter = ["is_active", "time_zone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members", distinct=True))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, team):
        return team.member_total

    @admin.display(description=_("supervisors"))
    def supervisor_names(self, team):
        supervisors = TeamMembership.objects.filter(team=team, is_supervisor=True).select_related(
            "user"
        )
        return ", ".join(str(m.user) for m in supervisors)
