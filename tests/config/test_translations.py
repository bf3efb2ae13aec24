"""The Spanish catalogue is complete: every string a page can show has a translation."""

from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_every_string_in_the_spanish_catalogue_is_translated():
    catalogue = polib.pofile(str(CATALOGUE))

    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert missing == [], "run `make messages` after adding to locale/translations/*.json"
    assert fuzzy == []
