"""Staff roles (Django groups), their permissions, and access helpers.

A role is a Django ``Group`` whose name is exactly a ``Role`` value. The custom
permissions live on ``accounts.AccessPolicy`` (``accounts.read_phi`` and so on); a data
migration creates the groups and grants the matrix below.

Other apps grant their own model permissions to roles from their data migrations::

    from accounts.roles import grant_permissions

    def grant(apps, schema_editor):
        grant_permissions(apps, "administrator", ["triage.change_triagescript"])

    class Migration(migrations.Migration):
        dependencies = [("accounts", "0003_roles"), ("triage", "0002_...")]
        operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TeamMembership


class Role(models.TextChoices):
    NURSE = "nurse", _("Nurse")
    CLINICIAN = "clinician", _("Clinician")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")
    AUDITOR = "auditor", _("Auditor")


# Roles that take part in clinical work and are scoped to teams.
CLINICAL_ROLES = frozenset({Role.NURSE, Role.CLINICIAN, Role.SUPERVISOR})


def grant_permissions(apps, role: str, permissions: Iterable[str]) -> None:
    """Give ``role`` (a group name) the permissions ``"app_label.codename"``.

    Meant for data migrations (pass the migration's ``apps``). Inside a migration
    ``post_migrate`` has not run yet, so the content type and permission rows may not
    exist: they are created the way Django would (same codename and name), and
    Django's own ``create_permissions`` later finds and keeps them. The group is
    created when missing. Raises ``LookupError`` for a codename no model declares, so
    a typo fails the migration instead of silently granting nothing.
    """
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=str(role))
    group.permissions.add(*(_permission(apps, name) for name in permissions))


def revoke_permissions(apps, role: str, permissions: Iterable[str]) -> None:
    """Reverse of ``grant_permissions`` (for ``RunPython`` reverse functions)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=str(role)).first()
    if group is None:
        return
    for name in permissions:
        app_label, codename = name.split(".", 1)
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )


def _permission(apps, dotted: str):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    app_label, codename = dotted.split(".", 1)
    existing = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if existing is not None:
        return existing
    for model in apps.get_app_config(app_label).get_models():
        opts = model._meta
        declared = {
            f"{action}_{opts.model_name}": f"Can {action} {opts.verbose_name_raw}"
            for action in opts.default_permissions
        }
        declared.update(dict(opts.permissions))
        if codename in declared:
            content_type, _created = ContentType.objects.get_or_create(
                app_label=app_label, model=opts.model_name
            )
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": str(declared[codename])[:255]},
            )
            return permission
    raise LookupError(f"No model in {app_label!r} declares the permission {codename!r}.")


# ---- runtime helpers ---------------------------------------------------------------


def user_roles(user) -> frozenset[str]:
    """The role names (group names that are ``Role`` values) of an active user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_accounts_roles", None)
    if cached is None:
        names = user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        cached = frozenset(names)
        user._accounts_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds at least one of ``roles``."""
    return bool(user_roles(user) & {str(r) for r in roles})


def role_label_for_audit(user) -> str:
    """The user's roles at this moment, comma-joined in a fixed order ("" if none).

    Copied into audit events so the trail shows what the actor was allowed to do
    then, even after their roles change.
    """
    held = user_roles(user)
    return ",".join(role for role in Role.values if role in held)


def visible_team_ids(user) -> set[int]:
    """Ids of the teams whose cases the user may see.

    Nurses, clinicians and supervisors see the teams they belong to; a supervisor
    also sees every team they supervise (``TeamMembership.is_supervisor``). Anyone
    without a clinical role (administrators, auditors) sees no team.
    """
    roles = user_roles(user)
    if not roles & CLINICAL_ROLES:
        return set()
    # A supervised team is a membership with is_supervisor set, so every membership
    # covers both "own teams" and "supervised teams".
    memberships = TeamMembership.objects.filter(user=user)
    return set(memberships.values_list("team_id", flat=True))


def can_read_phi(user) -> bool:
    """True when the user holds ``accounts.read_phi`` through a role or a direct grant.

    Deliberately not ``user.has_perm``: a superuser flag alone never opens patient
    records; reading PHI needs a clinical role.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_accounts_can_read_phi", None)
    if cached is None:
        cached = (
            Permission.objects.filter(content_type__app_label="accounts", codename="read_phi")
            .filter(models.Q(group__user=user) | models.Q(user=user))
            .exists()
        )
        user._accounts_can_read_phi = cached
    return cached
