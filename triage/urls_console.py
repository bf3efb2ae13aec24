"""The console under /console/ (namespace ``console``); views live in triage/console/."""

from messaging import urls as messaging_urls
from triage.console.urls import urlpatterns

app_name = "console"

# Patient conversation (messaging): /console/cases/<uuid>/conversation/...
urlpatterns = [*urlpatterns, *messaging_urls.console_urlpatterns]

__all__ = ["app_name", "urlpatterns"]
