"""SMS through Twilio's Messaging API, with Twilio's own Python library (``twilio``).

Twilio's Messages API takes no idempotency key, so a retry after a lost answer (a
timeout after Twilio accepted the message, a worker killed while it waited) could text
the nurse twice. So before any retry the channel asks Twilio for the latest messages
from the team's number to that number, and when the same text is there, created since
the notification was made, it records that message instead of sending again. The
first attempt never looks: nothing can have been sent for it yet. Together with the
claim on the notification row (``services.notify``), each notification is one SMS.

Nothing here logs or records the phone number, the token or a provider message that
may quote them: errors name the HTTP status and Twilio's error code only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from paging.channels import DeliveryError, Message, PermanentDeliveryError

# Twilio's timestamps and ours come from different clocks: a message created up to
# this much before the notification row still counts as this notification's.
CLOCK_SKEW = dt.timedelta(seconds=60)
# One page of the latest messages from the team's number (Twilio allows up to 1,000).
LOOKBACK_MESSAGES = 100

# Twilio error codes worth a plain explanation in the notification's error column.
KNOWN_ERRORS = {
    20003: "authentication failed: check the team's account SID and auth token",
    20404: "account or resource not found: check the team's account SID",
    20429: "too many requests",
    21211: "the recipient's number is not a valid phone number",
    21408: "the account may not send SMS to this region",
    21606: "the team's from number cannot send SMS",
    21608: "a trial account can only text numbers verified in Twilio",
    21610: "the recipient replied STOP: they must text START to the team's number",
    21612: "Twilio cannot route SMS between these two numbers",
    21614: "the recipient's number cannot receive SMS",
    21659: "the from number is not one of the account's Twilio numbers",
}


@dataclass(frozen=True)
class TwilioAccount:
    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str


class _QuietHttpClient(TwilioHttpClient):
    """The library logs every request's URL and query at INFO; a look-up's query holds
    the recipient's phone number, which must never reach a log."""

    def log_request(self, kwargs) -> None:
        pass

    def log_response(self, status_code, response) -> None:
        pass


def client_for(account: TwilioAccount) -> Client:
    client = Client(
        account.account_sid,
        account.auth_token,
        http_client=_QuietHttpClient(pool_connections=False, timeout=settings.PAGING_SMS_TIMEOUT),
    )
    if settings.PAGING_SMS_API_BASE_URL:
        # A stand-in for the API (tests, staging); production leaves it empty.
        client.api.base_url = settings.PAGING_SMS_API_BASE_URL
    return client


def _refused(exc: TwilioRestException | TwilioServiceException) -> DeliveryError:
    status = int(getattr(exc, "status", 0) or 0)
    code = getattr(exc, "code", None)
    text = f"sms: Twilio refused the message (HTTP {status}"
    text += f", error {code})" if code else ")"
    if code in KNOWN_ERRORS:
        text += f": {KNOWN_ERRORS[code]}"
    # A 4xx is about this request or account: sending it again gets the same answer.
    # Rate limits and conflicts may pass later; 5xx are Twilio's own trouble.
    if 400 <= status < 500 and status not in (408, 409, 429) and code != 20429:
        return PermanentDeliveryError(text)
    return DeliveryError(text)


def _unreachable(exc: requests.RequestException) -> DeliveryError:
    # str(exc) names the URL, and a look-up's URL holds the phone number: not recorded.
    if isinstance(exc, requests.ConnectTimeout):
        return DeliveryError("sms: Twilio did not accept the connection in time")
    if isinstance(exc, requests.Timeout):
        return DeliveryError(
            f"sms: no answer from Twilio within {settings.PAGING_SMS_TIMEOUT:g} s "
            "(checked before the retry, so it is never sent twice)"
        )
    if "refused" in str(exc).lower():
        return DeliveryError("sms: cannot reach Twilio (connection refused)")
    return DeliveryError(f"sms: cannot reach Twilio ({type(exc).__name__})")


def already_sent(client: Client, account: TwilioAccount, message: Message, since) -> str:
    """The id of a message with this text sent to this number since ``since``, or "".

    Filtered by the team's number only, and by recipient here: a ``To`` filter would put
    the nurse's number in the URL, which HTTP libraries log at DEBUG.
    """
    recent = client.messages.list(
        from_=account.from_number, limit=LOOKBACK_MESSAGES, page_size=LOOKBACK_MESSAGES
    )
    for sent in recent:
        created = sent.date_created
        if (
            sent.to == message.address
            and created
            and created >= since - CLOCK_SKEW
            # A trial account prefixes the text, hence "in" rather than "==".
            and message.text in (sent.body or "")
        ):
            return sent.sid or ""
    return ""


def deliver(message: Message, *, account: TwilioAccount, not_before: dt.datetime) -> str:
    """Send ``message.text`` to ``message.address`` (E.164); returns Twilio's message SID.

    ``not_before``: when the notification was made; a retry looks for a message of the
    same text since then before sending.
    """
    client = client_for(account)
    try:
        if message.attempt > 1:
            found = already_sent(client, account, message, not_before)
            if found:
                return found
        sent = client.messages.create(
            to=message.address, from_=account.from_number, body=message.text
        )
    except (TwilioRestException, TwilioServiceException) as exc:
        raise _refused(exc) from None
    except requests.RequestException as exc:
        raise _unreachable(exc) from None
    except (TwilioException, ValueError) as exc:
        raise DeliveryError(f"sms: unexpected answer from Twilio ({type(exc).__name__})") from None
    if not sent.sid:
        raise DeliveryError("sms: Twilio answered without a message id")
    return sent.sid
