import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AccessEvent
from messaging import services
from tests.factories.accounts import login_verified, make_staff
from tests.factories.messaging import HOURS

pytestmark = pytest.mark.django_db


def test_opening_a_conversation_in_the_admin_is_audited_and_hides_bodies(client, case):
    services.message_post_from_patient(case=case, body=HOURS)
    conversation = services.conversation_for_case(case=case)
    login_verified(client, make_staff(Role.ADMINISTRATOR))

    response = client.get(reverse("admin:messaging_conversation_change", args=[conversation.pk]))

    assert response.status_code == 200
    assert HOURS not in response.content.decode()  # administrators do not read PHI
    event = AccessEvent.objects.get(object_type="messaging.conversation", action="view")
    assert event.patient_ref == case.reference
    assert event.details["via"] == "admin"
