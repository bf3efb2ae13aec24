from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def crisis_resources(request: HttpRequest) -> dict:
    """Crisis lines for the current language, so every patient page can show them."""
    resources = settings.CRISIS_RESOURCES
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    phone = settings.CLINIC_PHONE
    return {
        "crisis_resources": resources.get(language) or resources.get(settings.LANGUAGE_CODE, []),
        "clinic_phone": phone,
        # tel: links take digits and a leading plus only.
        "clinic_phone_dial": "".join(c for c in phone if c.isdigit() or c == "+"),
    }
