from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def crisis_resources(request: HttpRequest) -> dict:
    """Crisis lines for the current language, so every patient page can show them."""
    resources = settings.CRISIS_RESOURCES
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return {
        "crisis_resources": resources.get(language) or resources.get(settings.LANGUAGE_CODE, [])
    }
