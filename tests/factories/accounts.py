"""Factories and helpers for staff accounts: users, teams, roles, verified sessions."""

from __future__ import annotations

import importlib

import factory
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Team, TeamMembership, User
from accounts.roles import Role

# Good enough for the 12-character, not-common, not-similar validators.
STAFF_PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@clinic.example")
    password = factory.django.Password(STAFF_PASSWORD)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    is_supervisor = False


def role_group(role: str) -> Group:
    """The role's group, re-created with its permissions when it is missing.

    Groups come from a data migration; a transactional test's flush deletes them (the
    permission rows come back through post_migrate, the groups do not).
    """
    group = Group.objects.filter(name=str(role)).first()
    if group is None:
        importlib.import_module("accounts.migrations.0003_roles").create_roles(django_apps, None)
        group = Group.objects.get(name=str(role))
    return group


def make_staff(role: str | None, team: Team | None = None, supervisor: bool = False, **fields):
    """A user holding ``role`` (a ``Role`` value, or None for no role), in ``team``.

    Administrators and auditors get ``is_staff`` (they use the admin site). A
    supervisor supervises ``team``; pass ``supervisor=True`` to make any role a
    team supervisor.
    """
    if role in {Role.ADMINISTRATOR, Role.AUDITOR}:
        fields.setdefault("is_staff", True)
    user = UserFactory(**fields)
    if role is not None:
        user.groups.add(role_group(role))
    if team is not None:
        TeamMembership.objects.create(
            user=user, team=team, is_supervisor=supervisor or role == Role.SUPERVISOR
        )
    return user


def confirmed_totp_device(user: User) -> TOTPDevice:
    """The user's confirmed TOTP device (created when missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


def current_totp(device: TOTPDevice) -> str:
    """The token an authenticator app would show for ``device`` right now."""
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(token).zfill(device.digits)


def login_verified(client, user: User) -> TOTPDevice:
    """Log ``client`` in as ``user`` with a session verified by a TOTP device.

    Same state as a real password + TOTP sign-in: Django's login (new session key)
    and django-otp's ``otp_device_id`` session key set to the device's persistent id,
    which OTPMiddleware turns into ``request.user.is_verified()``.
    """
    device = confirmed_totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
