from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lib.health import health_status


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and uptime checks: 200 when every part answers, else 503.

    While the process is starting (no worker heartbeat can have arrived yet) the answer
    is still 503, not ready, but it says "starting" and is not an error.
    """
    status, checks = health_status()
    response = JsonResponse(
        {"status": status, "checks": checks}, status=200 if status == "ok" else 503
    )
    if status == "starting":
        # Django's request logger writes every 5xx as an ERROR; an expected wait at
        # start-up must not page whoever watches the logs (log_response skips this).
        response._has_been_logged = True
    return response
