"""SMS notifications of a page: who gets one, what it says, sending it.

The text carries no PHI: the page's reference and one link, which needs sign-in with
MFA to show anything. It is kept to the GSM-7 alphabet (a plain hyphen, no accents),
so it goes as one 160-character segment where the link allows, not as 70-character
UCS-2 parts that some carriers deliver out of order.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from paging.channels import Message, PermanentDeliveryError
from paging.channels import sms as sms_channel
from paging.models import Notification, PagingPhone, SmsAccount
from paging.services import links


def sms_link(n: Notification) -> str:
    """The one link an SMS carries: the page in the console (sign-in with MFA).

    The single place to change when notifications get signed single-use action links.
    """
    return links.page_url(n.page_id)


def sms_text(*, reference: str, link: str, language: str | None = None) -> str:
    with override(language or settings.LANGUAGE_CODE):
        return _("Crisis page %(ref)s - open: %(link)s") % {"ref": reference, "link": link}


def sms_recipients(team, users) -> dict[int, str]:
    """``{user id: last digits}`` of ``users`` to text for ``team``; {} when the team
    has no active SMS account (it simply gets no SMS notifications)."""
    ids = [u.pk for u in users if u is not None]
    if not ids or not SmsAccount.objects.filter(team=team, is_active=True).exists():
        return {}
    return dict(
        PagingPhone.objects.filter(user_id__in=ids, is_active=True).values_list(
            "user_id", "last_digits"
        )
    )


def notification_deliver_sms(n: Notification) -> str:
    """Send one SMS notification (already claimed); returns Twilio's message SID."""
    account = SmsAccount.objects.filter(team_id=n.team_id, is_active=True).first()
    if account is None:
        raise PermanentDeliveryError("sms: the team has no active SMS account any more")
    phone = PagingPhone.objects.filter(user_id=n.recipient_id, is_active=True).first()
    if phone is None:
        raise PermanentDeliveryError("sms: the recipient has no active paging phone any more")
    if n.kind != Notification.Kind.PAGE or n.page is None:
        raise PermanentDeliveryError("sms: only pages are sent by SMS")
    text = sms_text(reference=n.page.reference, link=sms_link(n))
    message = Message(n.attempt_key, n.attempt, n.kind, phone.phone, "", text)
    credentials = sms_channel.TwilioAccount(
        account_sid=account.account_sid,
        auth_token=account.auth_token,
        from_number=account.from_number,
    )
    return sms_channel.deliver(message, account=credentials, not_before=n.created_at)
