import pytest


@pytest.fixture(autouse=True)
def _paging_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://console.example"
    settings.PAGING_FALLBACK_EMAILS = []
    settings.PAGING_WEBHOOK_SECRET = "test-webhook-secret"
    settings.PAGING_WEBHOOK_TIMEOUT = 2.0
