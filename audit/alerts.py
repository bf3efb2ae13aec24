"""Tell the administrators when the audit chain does not verify (never any PHI)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from audit.services import ChainReport

logger = logging.getLogger("audit.alerts")


# The accounts app's administrator role: a group of that name (audit imports no app).
ADMINISTRATOR_GROUP = "administrator"


def administrator_addresses() -> list[str]:
    """E-mail of active users in the administrator role, plus settings.ADMINS."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=ADMINISTRATOR_GROUP)
        .exclude(email="")
    )
    addresses = {email for email in users.values_list("email", flat=True)}
    addresses |= {email for _name, email in settings.ADMINS}
    return sorted(addresses)


def describe(report: ChainReport) -> str:
    if report.ok:
        return f"OK: {report.count} events, head #{report.head_sequence} {report.head_hash}"
    where = f"at sequence {report.broken_sequence}" if report.broken_sequence else "trail"
    return (
        f"BROKEN {where}: {report.problem}\n"
        f"  expected: {report.expected}\n"
        f"  found:    {report.found}\n"
        f"({report.count} events verified before the break; last good "
        f"#{report.head_sequence} {report.head_hash})"
    )


def log_failure(report: ChainReport) -> None:
    """CRITICAL on the ``audit.alerts`` logger: what operators' log alerting pages on."""
    logger.critical("audit trail verification FAILED: %s", describe(report))


def alert_chain_broken(report: ChainReport) -> int:
    log_failure(report)
    recipients = administrator_addresses()
    if not recipients:
        return 0
    if report.problem.startswith("append-only triggers"):
        finding = (
            "The append-only triggers of the audit tables are not in force: rows can be "
            "altered or removed without the database refusing."
        )
    else:
        finding = (
            "It found a broken link in the hash chain. Rows may have been altered or "
            "removed outside the application."
        )
    body = (
        f"The daily verification of the audit trail failed. {finding}\n\n"
        f"{describe(report)}\n\n"
        "Run `python manage.py audit_verify` to see it, keep the database as it is, and "
        "compare with the exported chain heads.\n"
    )
    return send_mail(
        subject="[triage console] Audit trail verification FAILED",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
