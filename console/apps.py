from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The staff UI over cases, paging and messaging; it owns no tables."""

    name = "console"
    verbose_name = _("Console")
