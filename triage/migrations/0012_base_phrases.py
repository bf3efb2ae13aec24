"""The shipped lexicon becomes phrase rows: the base script every team builds on.

Version 1 of the base holds every rule and idiom of the shipped default script
(``triage/engine/data/default_script.json``) as a phrase row, each with an example it
must match (``data/default_phrase_examples.json``: the shortest message of the tuning
sets the rule flags, or one written for it). Its effective document says exactly
what the shipped one says (tests/triage/test_base_phrases_migration.py scans every
evaluation set with both). Clinicians (clinical leads) may now edit scripts;
supervisors still approve them.

``create_base`` and ``grant`` are idempotent: browser tests call them again after the
database is flushed.
"""

import json
from pathlib import Path

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

ROOT = Path(__file__).resolve().parent
EXAMPLES = ROOT / "data" / "default_phrase_examples.json"
EDIT = ["accounts.edit_triage_script"]


def _shipped():
    from triage.engine.script import _DEFAULT_PATH

    return json.loads(_DEFAULT_PATH.read_text(encoding="utf-8"))


def phrase_rows(document, examples):
    """(field dict) per rule and idiom of ``document``'s lexicon, in order."""
    from triage.engine.phrases import plain_phrase_of, whose_risk_of

    rows = []
    for language, lexicon in document["lexicon"]["languages"].items():
        for rule in lexicon["rules"]:
            plain = plain_phrase_of(rule["pattern"])
            rows.append(
                {
                    "key": rule["id"],
                    "kind": "crisis",
                    "language": language,
                    "phrase": plain or "",
                    "pattern": "" if plain else rule["pattern"],
                    "category": rule["category"],
                    "subtype": rule["subtype"],
                    "severity": rule["severity"],
                    "whose_risk": whose_risk_of(rule["category"], rule.get("subject", "auto")),
                    "negatable": rule.get("negatable", True),
                    "hyperbole_prone": rule.get("hyperbole_prone", False),
                    "note": rule.get("note", ""),
                    "examples": examples.get(rule["id"], []),
                }
            )
        for idiom in lexicon.get("idioms", []):
            plain = plain_phrase_of(idiom["pattern"])
            rows.append(
                {
                    "key": idiom["id"],
                    "kind": "idiom",
                    "language": language,
                    "phrase": plain or "",
                    "pattern": "" if plain else idiom["pattern"],
                    "whose_risk": "auto",
                    "examples": examples.get(idiom["id"], []),
                }
            )
    return rows


def create_base(apps, schema_editor=None):
    from django.utils import timezone

    from triage.engine.effective import build_document, content_hash
    from triage.engine.phrases import PhraseSpec

    TriageScript = apps.get_model("triage", "TriageScript")
    CrisisPhrase = apps.get_model("triage", "CrisisPhrase")
    if TriageScript.objects.filter(team__isnull=True).exists():
        return
    shipped = _shipped()
    examples = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    rows = phrase_rows(shipped, examples)
    specs = [PhraseSpec(**{k: v for k, v in row.items() if k != "examples"}) for row in rows]
    document = build_document(shipped, specs, version="default-v1")
    document["notes"] = f"Converted from the shipped lexicon {shipped['version']}."
    base = TriageScript.objects.create(
        team=None,
        version=1,
        status="active",
        document=document,
        content_hash=content_hash(document),
        change_note="The shipped default lexicon, as phrase rows (a migration).",
        activated_at=timezone.now(),
    )
    CrisisPhrase.objects.bulk_create(
        CrisisPhrase(script=base, position=i, **row) for i, row in enumerate(rows)
    )


def hash_existing(apps, schema_editor=None):
    from triage.engine.effective import content_hash

    TriageScript = apps.get_model("triage", "TriageScript")
    for script in TriageScript.objects.filter(content_hash=""):
        script.content_hash = content_hash(script.document)
        script.save(update_fields=["content_hash"])


def grant(apps, schema_editor=None):
    grant_permissions(apps, "clinician", EDIT)


def forwards(apps, schema_editor):
    hash_existing(apps)
    create_base(apps)
    grant(apps)


def backwards(apps, schema_editor):
    TriageScript = apps.get_model("triage", "TriageScript")
    TriageScript.objects.filter(team__isnull=True).delete()
    revoke_permissions(apps, "clinician", EDIT)


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0011_phrase_rows"),
        ("accounts", "0005_access_change_request"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
