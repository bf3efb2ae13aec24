"""A team's effective script: the base with the team's own changes, and its identity.

A team's script is never a full copy. It is the base version it was built on plus the
team's additions, changed phrases, removed phrases and changed thresholds; building it
again on a newer base carries every fix of the base into the team's next version.

The identity of a version is the hash of this effective content, so a changed phrase
is always a new version and two versions with one hash say exactly the same thing.

Pure: no Django. The result is an ordinary script document (``Script.from_dict``).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .phrases import IDIOM, PhraseSpec, lexicon_entry

__all__ = [
    "IDENTITY_EXCLUDES",
    "Override",
    "apply_overrides",
    "apply_thresholds",
    "build_document",
    "content_hash",
    "threshold_rules",
]

# Labels are not content: renaming a version must not change what it is.
IDENTITY_EXCLUDES = ("version", "title", "notes")
_THRESHOLD_KEYS = ("total_at_least", "item_at_least")


@dataclass(frozen=True)
class Override:
    """A team's change to one phrase: a new or replacing phrase, or a removal."""

    key: str
    spec: PhraseSpec | None  # None: remove the base phrase ``key``


def apply_overrides(base: Iterable[PhraseSpec], overrides: Iterable[Override]) -> list[PhraseSpec]:
    """The base phrases with the team's changed ones in place, removed ones left out, and
    new ones after them (in the order given)."""
    changes = {o.key: o for o in overrides}
    out: list[PhraseSpec] = []
    seen = set()
    for spec in base:
        seen.add(spec.key)
        change = changes.get(spec.key)
        if change is None:
            out.append(spec)
        elif change.spec is not None:
            out.append(replace(change.spec, key=spec.key))
    out += [o.spec for o in changes.values() if o.key not in seen and o.spec is not None]
    return out


def threshold_rules(document: Mapping[str, Any]) -> dict[str, tuple[str, int]]:
    """The rules whose threshold a team may change: rule id -> (setting, value)."""
    found = {}
    for rule in document.get("rules", []):
        when = rule.get("when", {})
        for setting in _THRESHOLD_KEYS:
            if isinstance(when.get(setting), int):
                found[rule["id"]] = (setting, when[setting])
    return found


def apply_thresholds(document: dict[str, Any], thresholds: Mapping[str, int]) -> None:
    """Set the changed thresholds in ``document`` (in place); unknown rule ids are refused."""
    known = threshold_rules(document)
    for rule_id in thresholds:
        if rule_id not in known:
            raise ValueError(f"No rule {rule_id!r} with a threshold in the base script.")
    for rule in document.get("rules", []):
        if rule["id"] in thresholds:
            setting, _ = known[rule["id"]]
            rule["when"][setting] = int(thresholds[rule["id"]])


def build_document(
    frame: Mapping[str, Any],
    phrases: Iterable[PhraseSpec],
    *,
    thresholds: Mapping[str, int] | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """``frame`` (a script document) with its lexicon rules and idioms made from
    ``phrases``; negation cues, spelling lists, texts and rules are the frame's."""
    doc = copy.deepcopy(dict(frame))
    languages = doc["lexicon"]["languages"]
    for lang in languages.values():
        lang["rules"], lang["idioms"] = [], []
    for spec in phrases:
        if spec.language not in languages:
            raise ValueError(f"{spec.key}: the script has no language {spec.language!r}.")
        target = "idioms" if spec.kind == IDIOM else "rules"
        languages[spec.language][target].append(lexicon_entry(spec))
    if thresholds:
        apply_thresholds(doc, thresholds)
    if version is not None:
        doc["version"] = version
    return doc


def content_hash(document: Mapping[str, Any]) -> str:
    """SHA-256 of the document's content (labels left out), canonical JSON."""
    content = {k: v for k, v in document.items() if k not in IDENTITY_EXCLUDES}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
