"""A crisis model run over the clinic's live data: the shadow run re-reads the last days
of intakes and patient messages. The scoring and the report are triage's
(triage/crisis_models/services.py); this module reads the texts."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from intake.models import Intake
from messaging.models import Message
from triage.crisis_models.services import crisis_model_shadow_texts
from triage.models import CrisisModel


def recent_patient_texts(days: int) -> list[str]:
    """The intakes' words and the patients' messages of the last ``days`` days."""
    since = timezone.now() - dt.timedelta(days=days)
    intakes = Intake.objects.filter(submitted_at__gte=since).only("reason")
    texts = [i.reason for i in intakes if i.reason]
    messages = Message.objects.filter(created_at__gte=since, sender=Message.Sender.PATIENT)
    return texts + [m.body for m in messages.only("body")]


def crisis_model_shadow(*, record: CrisisModel, days: int = 14, actor=None) -> CrisisModel:
    """Re-read the last ``days`` of intakes and patient messages with this model and the
    model in use: how many would have been flagged differently (lexicon OR model)."""
    return crisis_model_shadow_texts(
        record=record, texts=recent_patient_texts(days), days=days, actor=actor
    )
