"""One-tap page actions: acknowledge, escalate now, reassign, snooze.

Each is one transaction that locks the page row, checks the actor may act on it,
changes it, and records the change twice: on the case timeline (a paging signal the
cases app turns into a ``CaseEvent``, as every paging change is) and in the audit
trail (an UPDATE access event).

Double taps: the forms carry the page's ``fence`` as it was shown. Every change of a
page bumps it, so a second tap of the same button (or a tap on a page that moved on
meanwhile) finds another fence and changes nothing. Acknowledging needs no fence:
it only ever moves a ringing page to acknowledged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import visible_team_ids
from audit.models import AccessEvent
from audit.services import record_access
from paging import signals as paging_signals
from paging.models import AckLink, Notification, OnCallSchedule, Page
from paging.services import dispatch, escalation, oncall, pages
from paging.services.fanout import notifications_fan_out
from paging.services.policy import ALL_CHANNELS, Recipient

# Bounded snooze choices, in minutes; a choice passing the last step is refused.
SNOOZE_MINUTES = (5, 10, 15, 30)
# A colleague handed a page gets this long before the next step runs (never past
# the policy's last step).
REASSIGN_GRACE = dt.timedelta(minutes=5)
ACTIONS = ("acknowledge", "escalate", "reassign", "snooze")


class ActionError(Exception):
    """The action cannot be done as asked; the message says why, for the nurse."""


@dataclass(frozen=True)
class Outcome:
    page: Page
    done: bool  # False: nothing changed (already done, or the page moved on)
    message: str


def _now() -> dt.datetime:
    return timezone.now()


def may_act(user, page: Page, team_ids: set[int] | None = None) -> bool:
    """Works cases and belongs to the page's team (``team_ids``: the user's, if known)."""
    if user is None or not user.is_authenticated or not user.has_perm("accounts.work_cases"):
        return False
    return page.team_id in (visible_team_ids(user) if team_ids is None else team_ids)


def _delay(step: dict) -> dt.timedelta:
    return dt.timedelta(seconds=step["delay"])


def last_step_due(page: Page) -> dt.datetime:
    """When the policy's last step of the current round runs: the snooze bound."""
    return page.round_started_at + _delay(escalation.steps_of(page)[-1])


def snooze_choices(page: Page, now: dt.datetime | None = None) -> list[int]:
    """The snooze lengths that end before the policy's last step (ringing pages only)."""
    if page.status != Page.Status.TRIGGERED:
        return []
    bound = last_step_due(page)
    now = now or _now()
    return [m for m in SNOOZE_MINUTES if now + dt.timedelta(minutes=m) <= bound]


def oncall_colleagues(team, user, now: dt.datetime | None = None) -> list[User]:
    """Who of ``team`` is on call now (primary, then backup), other than ``user``."""
    now = now or _now()
    found: list[User] = []
    for layer in (OnCallSchedule.Layer.PRIMARY, OnCallSchedule.Layer.BACKUP):
        person = oncall.oncall_at(team, layer, now)
        if person is not None and person != user and person not in found:
            found.append(person)
    return found


def _local_time(at: dt.datetime) -> str:
    return date_format(timezone.localtime(at), "H:i")


def _lock(page_id, user) -> Page:
    page = Page.objects.select_for_update(of=("self",)).select_related("team").get(pk=page_id)
    if not may_act(user, page):
        raise PermissionDenied
    return page


def _audit(page: Page, user, action: str, **data) -> None:
    record_access(
        actor=user,
        action=AccessEvent.Action.UPDATE,
        object_type="paging.page",
        object_id=page.pk,
        patient_ref=page.reference,
        details={"action": action, **data},
    )


def _stale(page: Page, fence: int | None) -> Outcome | None:
    if page.status == Page.Status.RESOLVED:
        return Outcome(
            page, False, _("Page %(ref)s is already resolved.") % {"ref": page.reference}
        )
    if fence is not None and fence != page.fence:
        return Outcome(
            page,
            False,
            _("Page %(ref)s changed since you looked: nothing was done. Check it and try again.")
            % {"ref": page.reference},
        )
    return None


def page_ack(*, page_id, user, via: str = "console") -> Outcome:
    """Acknowledge: escalation pauses for the policy's acknowledgement timeout."""
    with transaction.atomic():
        page = _lock(page_id, user)
        if page.status != Page.Status.TRIGGERED:
            who = page.acknowledged_by or _("someone")
            return Outcome(
                page,
                False,
                _("Page %(ref)s was already acknowledged (%(who)s).")
                % {"ref": page.reference, "who": who},
            )
        page = pages.page_acknowledge(page=page, user=user, via=via)
        page.snoozed_until = None
        page.save(update_fields=["snoozed_until"])
        record_access(
            actor=user,
            action=AccessEvent.Action.UPDATE,
            object_type="paging.page",
            object_id=page.pk,
            patient_ref=page.reference,
            details={"action": "acknowledge", "via": via},
        )
        return Outcome(
            page,
            True,
            _("Page %(ref)s acknowledged. Escalation is paused.") % {"ref": page.reference},
        )


def page_escalate_now(*, page_id, user, fence: int | None, via: str = "console") -> Outcome:
    """Run the next escalation step at once (the rest of the round moves up with it)."""
    with transaction.atomic():
        page = _lock(page_id, user)
        if stale := _stale(page, fence):
            return stale
        now = _now()
        steps = escalation.steps_of(page)
        index = page.step_index
        page.status = Page.Status.TRIGGERED
        page.round_started_at = now - _delay(steps[index])
        page.next_action_at = now
        page.snoozed_until = None
        page.save()
        paging_signals.page_escalated.send(sender=Page, page=page, actor=user, step=index, via=via)
        _audit(page, user, "escalate", step=index, via=via)
        created = escalation.page_advance(page_id=page.pk, now=now)
        dispatch.notifications_send_after_commit(created)
        page.refresh_from_db()
        return Outcome(
            page,
            True,
            _("Page %(ref)s escalated: step %(n)s sent %(count)s notifications.")
            % {"ref": page.reference, "n": index + 1, "count": len(created)},
        )


def page_snooze(*, page_id, user, minutes: int, fence: int | None, via: str = "console") -> Outcome:
    """Hold the next step for ``minutes`` (a bounded choice), never past the last step."""
    if minutes not in SNOOZE_MINUTES:
        raise ActionError(
            _("Choose a snooze of %(choices)s minutes.")
            % {"choices": ", ".join(str(m) for m in SNOOZE_MINUTES)}
        )
    with transaction.atomic():
        page = _lock(page_id, user)
        if stale := _stale(page, fence):
            return stale
        if page.status != Page.Status.TRIGGERED:
            raise ActionError(
                _("Only a page still ringing can be snoozed; this one is acknowledged.")
            )
        now = _now()
        until = now + dt.timedelta(minutes=minutes)
        bound = last_step_due(page)
        if until > bound:
            raise ActionError(
                _(
                    "A %(m)s-minute snooze would pass the policy's last step (due at %(at)s): "
                    "choose a shorter one, or acknowledge."
                )
                % {"m": minutes, "at": _local_time(bound)}
            )
        page.next_action_at = max(page.next_action_at or until, until)
        page.snoozed_until = until
        page.snoozed_by = user
        page.fence += 1
        page.save()
        paging_signals.page_snoozed.send(
            sender=Page, page=page, actor=user, minutes=minutes, until=until, via=via
        )
        _audit(page, user, "snooze", minutes=minutes, until=until.isoformat(), via=via)
        return Outcome(
            page,
            True,
            _("Page %(ref)s snoozed until %(at)s.")
            % {"ref": page.reference, "at": _local_time(until)},
        )


def page_reassign(*, page_id, user, to_user_id, fence: int | None, via: str = "console") -> Outcome:
    """Hand the page to a colleague on call now: they are notified on every channel and
    have REASSIGN_GRACE before the next step (never past the last step)."""
    with transaction.atomic():
        page = _lock(page_id, user)
        if stale := _stale(page, fence):
            return stale
        now = _now()
        colleague = next(
            (u for u in oncall_colleagues(page.team, user, now) if str(u.pk) == str(to_user_id)),
            None,
        )
        if colleague is None:
            raise ActionError(
                _("Choose a colleague who is on call now for %(team)s.") % {"team": page.team}
            )
        steps = escalation.steps_of(page)
        if page.status == Page.Status.ACKNOWLEDGED:
            # Ringing again, for the colleague, from the step that was next.
            page.round_started_at = now - _delay(steps[page.step_index])
        natural = page.round_started_at + _delay(steps[page.step_index])
        page.next_action_at = min(max(natural, now + REASSIGN_GRACE), last_step_due(page))
        page.status = Page.Status.TRIGGERED
        page.acknowledged_at = None
        page.acknowledged_by = None
        page.assigned_to = colleague
        page.snoozed_until = None
        page.fence += 1
        page.save()
        paging_signals.page_reassigned.send(
            sender=Page, page=page, actor=user, to=colleague, via=via
        )
        _audit(page, user, "reassign", to=colleague.pk, via=via)
        # Every channel the colleague has, keyed by the fence: a second reassignment
        # to the same person notifies again.
        created = notifications_fan_out(
            kind=Notification.Kind.PAGE,
            team=page.team,
            recipients=[Recipient(colleague, colleague.email)],
            channels=ALL_CHANNELS,
            key_prefix=f"page:{page.pk}:reassign:{page.fence}",
            page=page,
            step=page.step_index,
            now=now,
        )
        dispatch.notifications_send_after_commit(created)
        return Outcome(
            page,
            True,
            _("Page %(ref)s reassigned to %(to)s; they are being notified.")
            % {"ref": page.reference, "to": colleague},
        )


def act_link_use(*, link_id, user, action: str, params: dict) -> Outcome:
    """An action through a notification's signed link: once, by its recipient.

    The link is spent in the same transaction as the action: an action refused
    (ActionError, PermissionDenied) rolls back and leaves the link usable.
    """
    if action not in ACTIONS:
        raise ActionError(_("Unknown action."))
    with transaction.atomic():
        link = AckLink.objects.select_related("page").get(pk=link_id)
        if link.user_id != user.pk:
            raise PermissionDenied  # sent to someone else: they act from the console
        spent = AckLink.objects.filter(pk=link_id, used_at__isnull=True).update(
            used_at=_now(), used_for=action
        )
        if not spent:
            return Outcome(link.page, False, _("This link was already used."))
        return run(action, page_id=link.page_id, user=user, params=params, via="link")


def run(action: str, *, page_id, user, params: dict, via: str = "console") -> Outcome:
    """Dispatch one of ACTIONS with its form parameters (``fence``, ``to``, ``minutes``)."""
    fence = _int(params.get("fence"))
    if action == "acknowledge":
        return page_ack(page_id=page_id, user=user, via=via)
    if action == "escalate":
        return page_escalate_now(page_id=page_id, user=user, fence=fence, via=via)
    if action == "reassign":
        return page_reassign(
            page_id=page_id, user=user, to_user_id=params.get("to"), fence=fence, via=via
        )
    if action == "snooze":
        minutes = _int(params.get("minutes"))
        return page_snooze(page_id=page_id, user=user, minutes=minutes or 0, fence=fence, via=via)
    raise ActionError(_("Unknown action."))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
