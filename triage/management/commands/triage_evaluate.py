"""Evaluate the crisis scan on a clinic's own labelled messages."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Team
from triage import engine
from triage.crisis_models.active import active_model, health
from triage.models import TriageScript
from triage.scripts.validation import evaluate_cases


class Command(BaseCommand):
    help = (
        "Run the crisis scan over FILE.jsonl (one {text, label: crisis|no_crisis, language?} "
        "per line) and print sensitivity, specificity, PPV and NPV of the crisis decision (the "
        "lexicon OR the active crisis model), overall and per language. "
        "The last line is one JSON object."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--script",
            help="A script version as TEAM-vN (e.g. north-v3, or default-v2 for the base);"
            " default: the shipped script.",
        )
        parser.add_argument("--false-negatives", help="Write the missed crisis texts here.")
        parser.add_argument(
            "--lexicon-only", action="store_true", help="Leave the crisis model out."
        )

    def handle(self, *args, file: str, script: str | None, false_negatives: str | None, **o):
        chosen = self._script(script)
        model = None
        if not o.get("lexicon_only"):
            _, model = active_model()
            if model is None:
                raise CommandError(f"The crisis model cannot be loaded: {health()['error']}")
        try:
            cases = engine.load_cases(file)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Could not read {file}: {exc}") from exc
        try:
            report = evaluate_cases(chosen, cases, model)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        using = f"crisis model {model.version}" if model else "no crisis model"
        self.stdout.write(f"Script {chosen.version}, {using}, {report['n']} messages\n")
        self.stdout.write(_table(report))
        if false_negatives:
            with open(false_negatives, "w", encoding="utf-8") as out:
                for case in report["false_negatives"]:
                    out.write(json.dumps(case, ensure_ascii=False) + "\n")
            self.stdout.write(f"False negatives written to {false_negatives}\n")
        summary = {key: report[key] for key in ("n", "sensitivity", "specificity", "ppv", "npv")}
        summary["crisis_model"] = model.version if model else None
        summary["by_language"] = {
            lang: {k: v for k, v in figures.items() if k in summary}
            for lang, figures in report["by_language"].items()
        }
        self.stdout.write(json.dumps(summary, sort_keys=True))

    def _script(self, label: str | None) -> engine.Script:
        if not label:
            return engine.default_script()
        slug, _, version = label.rpartition("-v")
        # "default-vN" names a version of the base every team builds on.
        owner = (
            {"team__isnull": True}
            if slug == "default"
            else {"team__in": Team.objects.filter(slug=slug)}
        )
        record = (
            TriageScript.objects.filter(**owner, version=int(version or 0)).first()
            if version.isdigit()
            else None
        )
        if record is None:
            raise CommandError(f"No triage script {label!r} (expected TEAM-vN, e.g. north-v2).")
        return engine.Script.from_dict(record.document)


def _table(report: dict) -> str:
    def pct(value) -> str:
        return "   n/a" if value is None else f"{value * 100:5.1f}%"

    rows = [("overall", report), *sorted(report["by_language"].items())]
    lines = [
        f"{'':<10} {'n':>5} {'TP':>4} {'FP':>4} {'TN':>4} {'FN':>4}  sens    spec    PPV     NPV"
    ]
    for name, f in rows:
        lines.append(
            f"{name:<10} {f['n']:>5} {f['tp']:>4} {f['fp']:>4} {f['tn']:>4} {f['fn']:>4}  "
            f"{pct(f['sensitivity'])}  {pct(f['specificity'])}  {pct(f['ppv'])}  {pct(f['npv'])}"
        )
    return "\n".join(lines) + "\n"
