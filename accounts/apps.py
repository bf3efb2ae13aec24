from django.apps import AppConfig


def _register_change_history() -> None:
    """django-auditlog change history (with the acting user) for staff, roles and teams."""
    from auditlog.registry import auditlog
    from django.contrib.auth.models import Group

    from accounts.models import Team, TeamMembership, User

    registrations = {
        User: {
            "exclude_fields": ["password", "last_login"],
            "m2m_fields": {"groups", "user_permissions"},
        },
        Group: {"m2m_fields": {"permissions"}},
        Team: {},
        TeamMembership: {},
    }
    for model, options in registrations.items():
        if not auditlog.contains(model):
            auditlog.register(model, **options)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        # Models and auditlog's registry need the app registry: imported here, not above.
        from accounts import roles
        from audit import actors

        _register_change_history()
        # The audit trail names each actor's roles and shows patient references only
        # to those who may read PHI: both are the accounts app's rules.
        actors.configure(role_label=roles.role_label_for_audit, can_read_phi=roles.can_read_phi)
