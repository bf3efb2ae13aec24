import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from audit.models import AccessEvent
from paging.models import PagingPhone, SmsAccount
from tests.factories.accounts import login_verified, make_staff
from tests.factories.paging import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    make_oncall_team,
    make_paging_phone,
    make_sms_account,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    login_verified(client, make_staff("administrator", username="admin1"))
    return client


def _account_form(team, **fields) -> dict:
    return {
        "team": team.pk,
        "account_sid": TEST_ACCOUNT_SID,
        "new_auth_token": "",
        "from_number": "+1 555 010 0000",
        "is_active": "on",
        **fields,
    }


def test_an_administrator_sets_up_a_teams_sms_account_with_a_sealed_token(admin_client):
    team, *_ = make_oncall_team()

    response = admin_client.post(
        reverse("admin:paging_smsaccount_add"), _account_form(team, new_auth_token=TEST_AUTH_TOKEN)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    account = SmsAccount.objects.get(team=team)
    assert account.auth_token == TEST_AUTH_TOKEN and account.from_number == "+15550100000"
    entry = LogEntry.objects.get_for_object(account).get()
    assert "auth_token" not in entry.changes_dict and TEST_AUTH_TOKEN not in str(entry.changes)


def test_the_auth_token_is_never_shown_back_and_a_blank_field_keeps_it(admin_client):
    team, *_ = make_oncall_team()
    account = make_sms_account(team)
    url = reverse("admin:paging_smsaccount_change", args=[account.pk])

    page = admin_client.get(url).content.decode()
    assert TEST_AUTH_TOKEN not in page and 'name="new_auth_token"' in page

    response = admin_client.post(url, _account_form(team, from_number="+15550100001"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.auth_token == TEST_AUTH_TOKEN and account.from_number == "+15550100001"

    admin_client.post(url, _account_form(team, new_auth_token="0123abcd" * 4))
    account.refresh_from_db()
    assert account.auth_token == "0123abcd" * 4


def test_a_new_account_needs_its_token_and_a_valid_sid_and_number(admin_client):
    team, *_ = make_oncall_team()

    response = admin_client.post(
        reverse("admin:paging_smsaccount_add"),
        _account_form(team, account_sid="SK123", from_number="555-0100"),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter the account&#x27;s auth token" in page
    assert "AC followed by 32 letters and digits" in page
    assert "international format" in page
    assert not SmsAccount.objects.exists()


def test_a_paging_number_is_saved_sealed_and_listed_by_its_last_digits(admin_client):
    _team, nurse, *_ = make_oncall_team()

    response = admin_client.post(
        reverse("admin:paging_pagingphone_add"),
        {"user": nurse.pk, "number": "+1 (555) 010-2030", "is_active": "on"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    phone = PagingPhone.objects.get(user=nurse)
    assert phone.phone == "+15550102030" and phone.last_digits == "2030"
    listing = admin_client.get(reverse("admin:paging_pagingphone_changelist")).content.decode()
    assert "…2030" in listing and "0102030" not in listing


def test_a_wrong_number_gets_a_clear_message_and_keeps_what_was_typed(admin_client):
    _team, nurse, *_ = make_oncall_team()

    response = admin_client.post(
        reverse("admin:paging_pagingphone_add"), {"user": nurse.pk, "number": "555 0102"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter the number in international format" in page and 'value="555 0102"' in page
    assert not PagingPhone.objects.exists()


def test_opening_a_paging_number_is_an_audited_read(admin_client):
    _team, nurse, *_ = make_oncall_team()
    phone = make_paging_phone(nurse)

    page = admin_client.get(reverse("admin:paging_pagingphone_change", args=[phone.pk]))

    assert page.status_code == 200 and "+15550102030" in page.content.decode()
    event = AccessEvent.objects.filter(object_type="paging.pagingphone").latest("sequence")
    assert event.action == "view" and event.object_id == str(phone.pk)


def test_nurses_cannot_see_sms_accounts_or_numbers(client):
    _team, nurse, *_ = make_oncall_team()
    make_paging_phone(nurse)
    login_verified(client, nurse)

    for name in ("admin:paging_smsaccount_changelist", "admin:paging_pagingphone_changelist"):
        assert client.get(reverse(name)).status_code in (302, 403)
