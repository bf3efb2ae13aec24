"""Build the Spanish catalogue: extract strings, fill them from JSON, compile.

Translations live in locale/translations/<area>.json as {"English msgid": "Spanish"},
one file per area so that people working on different parts never edit the same
file. Run with `make messages`; it reports every string still untranslated.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"


def load_translations() -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((ROOT / "locale" / "translations").glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def main() -> int:
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete",
         "--no-location", "--ignore=.venv/*", "--ignore=var/*", "--ignore=tests/*",
         "--ignore=benchmarks/*", "-v", "0"],
        cwd=ROOT, check=True,
    )  # fmt: skip
    catalogue = polib.pofile(str(PO))
    translations = load_translations()
    missing = []
    for entry in catalogue:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif entry.msgid_plural:
            missing.append(entry.msgid)
        else:
            entry.msgstr = ""
            missing.append(entry.msgid)
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    catalogue.metadata["Language"] = "es"
    catalogue.save(str(PO))
    catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{len(catalogue)} strings, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
