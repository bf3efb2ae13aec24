"""After a run: is everything the clients saw accepted in the database, was every
crisis paged exactly once per step, does the audit chain verify?"""

from __future__ import annotations

import time

from benchmarks._harness import System, say
from benchmarks._traffic import Ledger, median_s, pct


def check_nothing_lost(
    system: System, ledger: Ledger, drain_seconds: float = 90, faults: bool = False
) -> bool:
    """Every intake and message the clients saw accepted is in the database, every
    crisis got a delivered page, no notification was sent twice; the audit chain holds."""
    from django.db import close_old_connections
    from django.db.models import Count

    from cases.models import Case
    from intake.models import Intake
    from messaging.models import Message
    from paging.models import Notification, Page

    close_old_connections()
    # Let the worker finish: every page delivered (first notification sent).
    deadline = time.monotonic() + drain_seconds
    while time.monotonic() < deadline:
        pending = Page.objects.filter(first_notified_at__isnull=True).count()
        if not pending:
            break
        time.sleep(1)
    ok = True
    references = list(ledger.intakes)
    stored = set(
        Intake.objects.filter(status=Intake.Status.SUBMITTED).values_list("reference", flat=True)
    )
    cases = {c.reference: c for c in Case.objects.select_related("intake")}
    missing = [r for r in references if r not in cases]
    say(
        f"\nintakes: {len(references)} confirmed to patients, {len(stored)} submitted in the "
        f"database, {len(missing)} missing"
    )
    if ledger.unconfirmed_submits:
        say(
            f"  {ledger.unconfirmed_submits} patients sent the intake but lost the answer (the"
            " confirmation page failed after the commit); their intakes are among those stored"
        )
    ok &= not missing
    expected_messages = sum(ledger.messages.values())
    counts = dict(
        Message.objects.filter(sender=Message.Sender.PATIENT)
        .values_list("conversation__case__reference")
        .annotate(n=Count("id"))
    )
    short = {r: n for r, n in ledger.messages.items() if counts.get(r, 0) < n}
    say(
        f"messages: {expected_messages} accepted from patients, {sum(counts.values())} in the "
        f"database, {len(short)} conversations missing some"
    )
    ok &= not short
    crisis_refs = [r for r, crisis in ledger.intakes.items() if crisis]
    pages = {p.reference: p for p in Page.objects.all()}
    unflagged = [r for r in crisis_refs if r in cases and not cases[r].crisis]
    unpaged = [r for r in crisis_refs if r not in pages]
    undelivered = [p.reference for p in pages.values() if p.first_notified_at is None]
    say(
        f"crisis intakes: {len(crisis_refs)}; pages: {len(pages)}; crisis without a page: "
        f"{len(unpaged)}; not flagged: {len(unflagged)}; pages not delivered: {len(undelivered)}"
    )
    ok &= not unpaged and not unflagged and not undelivered
    delays = [
        (p.first_notified_at - p.created_at).total_seconds()
        for p in pages.values()
        if p.first_notified_at
    ]
    if delays:
        say(
            f"page delay (raised -> first notification sent): median {median_s(delays):.1f} s, "
            f"p95 {pct(delays, 95) / 1000:.1f} s, max {max(delays):.1f} s"
        )
    rows = (
        Notification.objects.filter(page__isnull=False)
        .values("page", "cycle", "step", "channel", "recipient", "address")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    sent = Notification.objects.filter(page__isnull=False, status="sent").count()
    duplicates = system.receiver.duplicates()
    say(
        f"notifications: {sent} sent; duplicate rows per page step: {rows.count()}; "
        f"webhook deliveries repeated under one Idempotency-Key: {len(duplicates)}"
    )
    ok &= not rows.exists()
    if duplicates and faults:
        # Only a worker killed between the gateway's answer and marking the row sent
        # does this; the retry carries the same key, so the gateway drops the repeat.
        say(
            "  (a repeat carries the same Idempotency-Key after a killed worker; the gateway"
            " drops it)"
        )
    else:
        ok &= not duplicates
    verified, output = system.audit_verify()
    say(f"audit_verify: {output}")
    ok &= verified
    say(f"\nRESULT: {'OK - nothing lost' if ok else 'FAILED'}")
    return ok
