"""Admin for consent documents (versioned, published text frozen) and intakes (audited)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.roles import Role
from audit.models import AccessEvent
from intake import services
from intake.models import ConsentDocument
from tests.factories.accounts import login_verified, make_staff
from tests.factories.cases import make_consent_document, make_intake
from tests.factories.intake import PHI

pytestmark = pytest.mark.django_db


def grant(user, *names):
    for name in names:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


@pytest.fixture
def admin_client(client):
    login_verified(client, make_staff(Role.ADMINISTRATOR))
    return client


def test_publishing_supersedes_the_published_version_in_one_step():
    current = ConsentDocument.objects.get(language="en", status="published")
    draft = services.consent_document_create_draft(language="en", title="New", body="New text")

    services.consent_document_publish(document=draft)

    current.refresh_from_db()
    draft.refresh_from_db()
    assert draft.version == current.version + 1
    assert draft.status == ConsentDocument.Status.PUBLISHED and draft.published_at
    assert current.status == ConsentDocument.Status.SUPERSEDED
    assert services.consent_document_active("en") == draft


def test_only_a_draft_can_be_published():
    current = ConsentDocument.objects.get(language="es", status="published")

    with pytest.raises(services.ConsentDocumentLocked):
        services.consent_document_publish(document=current)


def test_a_published_text_cannot_change():
    document = ConsentDocument.objects.get(language="en", status="published")
    document.body = "Something else"

    with pytest.raises(ValueError, match="cannot change"):
        document.save()


def test_a_draft_can_change():
    draft = make_consent_document("en", version=99, status="draft")
    draft.body = "Better words"
    draft.save()

    assert ConsentDocument.objects.get(pk=draft.pk).body == "Better words"


def test_the_migration_published_version_1_in_both_languages():
    for language in ("en", "es"):
        document = services.consent_document_active(language)
        assert document.version == 1
        assert "741741" in document.body and "988" in document.body


def test_admin_shows_a_published_text_read_only(admin_client):
    document = ConsentDocument.objects.get(language="en", status="published")

    response = admin_client.get(reverse("admin:intake_consentdocument_change", args=[document.pk]))

    assert response.status_code == 200
    assert 'name="body"' not in response.content.decode()


def test_admin_adds_a_draft_with_the_next_version_and_publishes_it(admin_client):
    admin_client.post(
        reverse("admin:intake_consentdocument_add"),
        {"language": "en", "title": "Consent v2", "body": "Plain words."},
    )
    draft = ConsentDocument.objects.get(title="Consent v2")
    assert (draft.version, draft.status) == (2, "draft")

    admin_client.post(
        reverse("admin:intake_consentdocument_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    assert ConsentDocument.objects.get(pk=draft.pk).status == "published"


def test_intake_admin_hides_phi_without_read_phi_and_records_the_view(admin_client):
    intake = make_intake(full_name=PHI["full_name"], reason=PHI["reason"])

    response = admin_client.get(reverse("admin:intake_intake_change", args=[intake.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert PHI["full_name"] not in html
    assert "needs the read-PHI permission" in html
    event = AccessEvent.objects.get(action=AccessEvent.Action.VIEW)
    assert event.object_id == str(intake.pk) and event.patient_ref == intake.reference


def test_intake_admin_shows_phi_read_only_to_a_reader_of_phi(client):
    reader = make_staff(None, is_staff=True)
    grant(reader, "accounts.read_phi", "intake.view_intake")
    login_verified(client, reader)
    intake = make_intake(full_name=PHI["full_name"], reason=PHI["reason"])

    html = client.get(reverse("admin:intake_intake_change", args=[intake.pk])).content.decode()

    assert PHI["full_name"] in html and PHI["reason"] in html
    assert 'name="full_name"' not in html  # read-only display, no input


def test_intake_admin_list_is_an_audit_event_and_shows_no_phi(admin_client):
    make_intake(full_name=PHI["full_name"])

    html = admin_client.get(reverse("admin:intake_intake_changelist")).content.decode()

    assert PHI["full_name"] not in html
    assert AccessEvent.objects.filter(action=AccessEvent.Action.LIST).exists()
