"""The crisis model's shadow run over the last days of intakes and patient messages."""

import pytest
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from governance.crisis_models import crisis_model_shadow
from messaging.models import Message
from tests.factories.accounts import make_staff
from tests.factories.cases import make_intake
from tests.factories.messaging import make_conversation, make_message
from triage import engine
from triage.crisis_models.services import crisis_model_activate, crisis_model_create_draft
from triage.models import CrisisModel

pytestmark = pytest.mark.django_db


def model_events(record):
    return list(
        AccessEvent.objects.filter(object_type="triage.crisismodel", object_id=record.version)
        .order_by("sequence")
        .values_list("details__step", flat=True)
    )


def test_a_shadow_run_counts_texts_that_would_be_flagged_differently():
    # The model in use flags nothing; the candidate flags only the word "umbrella".
    quiet = engine.CrisisModel.from_parts(
        terms=["w umbrella"], idf=[1.0], coef=[0.0], intercept=-9.0, calibration=(1, 0),
        threshold=0.5,
    )  # fmt: skip
    in_use = crisis_model_create_draft(artifact=quiet.to_bytes())
    in_use.status, in_use.approved_by = CrisisModel.Status.APPROVED, make_staff(Role.CLINICIAN)
    in_use.save()
    crisis_model_activate(record=in_use)
    candidate = engine.CrisisModel.from_parts(
        terms=["w umbrella", "w thursday"], idf=[1.0, 1.0], coef=[30.0, -30.0], intercept=-5.0,
        calibration=(1, 0), threshold=0.5,
    )  # fmt: skip
    make_intake(reason="I left my umbrella at the bus stop", submitted_at=timezone.now())
    make_intake(reason="Can I book a session on Thursday?", submitted_at=timezone.now())
    conversation = make_conversation()
    make_message(conversation, body="Has anyone found my umbrella?")
    make_message(conversation, sender=Message.Sender.ASSISTANT, body="Your umbrella is here.")
    record = crisis_model_create_draft(artifact=candidate.to_bytes())

    record = crisis_model_shadow(record=record, days=7)

    report = record.shadow_report
    # Two intakes and the patient's message; the assistant's reply is not the patient's words.
    assert report["texts"] == 3 and report["newly_flagged"] == 2
    assert report["compared_with"] == quiet.version
    assert model_events(record)[-1] == "shadow run"
