"""Admin pages for staff accounts, roles (groups) and teams.

Administrators (the ``administrator`` role) manage accounts here but cannot raise
their own privileges: only a superuser may grant superuser status, direct
permissions or change which permissions a role carries, and nobody changes their
own roles or status.

Nor can anyone, superusers included, open PHI from here alone: granting a role that
reads PHI, adding someone to a team (or making them a team supervisor), resetting
another user's MFA and setting another user's password become requests that a
supervisor approves on the supervisor view (``accounts.approvals``).
"""

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.forms.models import InlineForeignKeyField
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.approvals import PHI_PERMISSIONS, access_change_request, group_grants_phi
from accounts.models import AccessChangeRequest, Team, TeamMembership, User
from accounts.services import mfa_reset, user_unlock

_SELF_PROTECTED = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")
Kind = AccessChangeRequest.Kind


def _awaiting_supervisor(admin_, request, changes: list[AccessChangeRequest]) -> None:
    if changes:
        admin_.message_user(
            request,
            gettext(
                "Not applied yet: %(changes)s. Each change awaits a supervisor's approval on"
                " the supervisor view and takes effect only then."
            )
            % {"changes": "; ".join(f"{c.user}: {c.describe()}" for c in changes)},
            messages.WARNING,
        )


def _opens_phi(permission) -> bool:
    return (
        permission.content_type.app_label == "accounts" and permission.codename in PHI_PERMISSIONS
    )


class MembershipForm(forms.ModelForm):
    """A saved membership cannot be moved to another user or team (that would be a new
    membership, which needs approval): remove it and add a new one instead."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for name in ("user", "team"):
                field = self.fields.get(name)
                if field is not None and not isinstance(field, InlineForeignKeyField):
                    field.disabled = True


class MembershipApprovalMixin:
    """New memberships, and making someone a team supervisor, wait for a supervisor."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not TeamMembership:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            membership.delete()  # removing access applies at once
        promoted = {obj.pk for obj, fields in formset.changed_objects if "is_supervisor" in fields}
        requested = []
        for membership in instances:
            if membership.pk is None or (membership.pk in promoted and membership.is_supervisor):
                requested.append(
                    access_change_request(
                        kind=Kind.TEAM_MEMBERSHIP,
                        user=membership.user,
                        team=membership.team,
                        is_supervisor=membership.is_supervisor,
                        requested_by=request.user,
                    )
                )
            else:
                membership.save()
        # The admin's history must not say "added" for a membership that is only asked for.
        formset.new_objects = [m for m in formset.new_objects if m.pk is not None]
        formset.changed_objects = [
            (m, f) for m, f in formset.changed_objects if not (m.pk in promoted and m.is_supervisor)
        ]
        _awaiting_supervisor(self, request, requested)


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ["user"]


class UserTeamInline(admin.TabularInline):
    model = TeamMembership
    form = MembershipForm
    extra = 0
    fields = ["team", "is_supervisor", "joined_at"]
    readonly_fields = ["joined_at"]
    verbose_name = _("team")
    verbose_name_plural = _("teams")


@admin.register(User)
class UserAdmin(MembershipApprovalMixin, DjangoUserAdmin):
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

    def save_related(self, request, form, formsets, change):
        # Roles that read PHI are held back from the form and asked for instead.
        held_back = []
        if change and "groups" in form.cleaned_data:
            wanted = list(form.cleaned_data["groups"])
            current = set(form.instance.groups.all())
            held_back = [g for g in wanted if g not in current and group_grants_phi(g)]
            form.cleaned_data["groups"] = [g for g in wanted if g not in held_back]
        if change and "user_permissions" in form.cleaned_data:
            # A direct grant has no approval path: PHI comes through a role only.
            wanted = list(form.cleaned_data["user_permissions"])
            current = set(form.instance.user_permissions.all())
            refused = [p for p in wanted if p not in current and _opens_phi(p)]
            form.cleaned_data["user_permissions"] = [p for p in wanted if p not in refused]
            if refused:
                self.message_user(
                    request,
                    gettext(
                        "Not granted: %(permissions)s. Patient records open only through a"
                        " role, which a supervisor approves."
                    )
                    % {"permissions": ", ".join(p.codename for p in refused)},
                    messages.ERROR,
                )
        super().save_related(request, form, formsets, change)
        requested = [
            access_change_request(
                kind=Kind.ROLE_GRANT, user=form.instance, group=group, requested_by=request.user
            )
            for group in held_back
        ]
        _awaiting_supervisor(self, request, requested)

    def user_change_password(self, request, id, form_url=""):
        """Setting another user's password waits for a supervisor; one's own applies."""
        user = self.get_object(request, unquote(id))
        if (
            request.method != "POST"
            or user is None
            or user.pk == request.user.pk
            or not self.has_change_permission(request, user)
        ):
            return super().user_change_password(request, id, form_url)
        form = self.change_password_form(user, request.POST)
        # Invalid, or disabling password sign-in (which only removes access): as Django does.
        if not form.is_valid() or not form.cleaned_data["set_usable_password"]:
            return super().user_change_password(request, id, form_url)
        form.save(commit=False)  # hashes into the unsaved instance only
        change = access_change_request(
            kind=Kind.PASSWORD_SET,
            user=user,
            password_hash=user.password,
            requested_by=request.user,
        )
        self.log_change(request, user, "Asked to set the password (awaits a supervisor).")
        _awaiting_supervisor(self, request, [change])
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))

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
        requested = []
        for user in queryset:
            if user.pk == request.user.pk:
                mfa_reset(user=user)
                self.log_change(request, user, "Reset MFA: all OTP devices deleted.")
                self.message_user(
                    request,
                    _("Your MFA was reset. Set up an authenticator at your next sign-in."),
                    messages.SUCCESS,
                )
            else:
                requested.append(
                    access_change_request(kind=Kind.MFA_RESET, user=user, requested_by=request.user)
                )
                self.log_change(request, user, "Asked for an MFA reset (awaits a supervisor).")
        _awaiting_supervisor(self, request, requested)

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
class TeamAdmin(MembershipApprovalMixin, admin.ModelAdmin):
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


@admin.register(AccessChangeRequest)
class AccessChangeRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are made by the pages above and decided by supervisors."""

    list_display = [
        "requested_at",
        "kind",
        "user",
        "describe",
        "status",
        "requested_by",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["user__username", "requested_by__username"]
    fields = list_display

    @admin.display(description=_("change"))
    def describe(self, change):
        return change.describe()

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or request.user.has_perm("accounts.manage_users")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _NoDeviceEditsMixin:
    """Authenticator devices are added only by their owner's enrollment and removed only
    by "Reset MFA" on Users (approved by a supervisor): an administrator who could add a
    device with codes of their choosing, or delete one, could sign in as that user."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LockedTOTPDeviceAdmin(_NoDeviceEditsMixin, TOTPDeviceAdmin):
    pass


class LockedStaticDeviceAdmin(_NoDeviceEditsMixin, StaticDeviceAdmin):
    pass


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, LockedTOTPDeviceAdmin)
admin.site.unregister(StaticDevice)
admin.site.register(StaticDevice, LockedStaticDeviceAdmin)
