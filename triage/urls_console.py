"""The console under /console/ (namespace ``console``); views live in triage/console/."""

from triage.console.urls import urlpatterns
from triage.messaging import urls as messaging_urls
from triage.scripts import urls as script_urls

app_name = "console"

# Patient conversation (triage/messaging): /console/cases/<uuid>/conversation/...
urlpatterns = [*urlpatterns, *messaging_urls.console_urlpatterns]
# Triage scripts as phrase rows, for clinical leads: /console/scripts/...
urlpatterns += script_urls.urlpatterns

__all__ = ["app_name", "urlpatterns"]
