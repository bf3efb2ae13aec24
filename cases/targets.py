from datetime import datetime, timedelta

from django.conf import settings


def due_at(acuity: str, opened_at: datetime) -> datetime:
    """When a case of this acuity must have been acted on (configurable per acuity)."""
    return opened_at + timedelta(minutes=settings.RESPONSE_TARGET_MINUTES[acuity])
