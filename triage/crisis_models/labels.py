"""The file format of the clinic's labelled rows: JSON Lines, sealed with the PHI key.

The rows themselves (nurse-confirmed labels, de-identified) are read from live cases
and messages by governance/labels.py, above the apps that hold them; this module only
seals and opens the file, so training can read an export without touching live data.
The file stays inside the clinic's systems, is never committed, and is sent to no
outside service.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lib import phi

AAD = b"crisis-model-labels"


def seal_rows(rows: Iterable[dict[str, Any]]) -> str:
    """The rows as JSON Lines, sealed with the PHI key (what ``read_rows`` opens)."""
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return phi.seal(body, AAD)


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a labelled file: plain JSON Lines, or an export sealed by ``seal_rows``."""
    raw = Path(path).read_text(encoding="utf-8")
    if phi.is_sealed(raw.strip()):
        raw = phi.open_sealed(raw.strip(), AAD)
    return [json.loads(line) for line in raw.splitlines() if line.strip()]
