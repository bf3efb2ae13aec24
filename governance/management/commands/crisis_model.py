"""Train, evaluate and feed the crisis model.

    manage.py crisis_model train [--extra FILE.jsonl ...] [--out PATH] [--author USERNAME]
    manage.py crisis_model evaluate FILE.jsonl [--model PATH]
    manage.py crisis_model export-labels --out FILE.jsonl.enc [--since YYYY-MM-DD]

``train`` fits a model on the project's corpus (plus the clinic's exported labels) and
stores it as a draft for validation and approval in the admin; ``--out`` also writes the
artifact (how the shipped model is rebuilt). ``evaluate`` prints lexicon, model and
combined figures; its last line is one JSON object.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from governance.labels import export_labels
from triage import engine
from triage.crisis_models import active, corpus
from triage.crisis_models.report import evaluate_rows, format_report
from triage.crisis_models.services import crisis_model_create_draft
from triage.crisis_models.training import train_from_corpus


class Command(BaseCommand):
    help = "Train, evaluate or export labelled data for the crisis model."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="Train a new draft model.")
        train.add_argument("--extra", action="append", default=[], help="More labelled JSONL.")
        train.add_argument("--out", help="Also write the artifact (.npz) here.")
        train.add_argument("--author", help="Username recorded as the draft's author.")
        train.add_argument(
            "--no-draft", action="store_true", help="Only write --out; store no draft."
        )
        evaluate = sub.add_parser("evaluate", help="Figures on a labelled JSONL file.")
        evaluate.add_argument("file")
        evaluate.add_argument("--model", help="An artifact (.npz); default: the active model.")
        export = sub.add_parser("export-labels", help="Nurse-confirmed labels, de-identified.")
        export.add_argument("--out", required=True, help="Encrypted output file.")
        export.add_argument("--since", help="Only cases opened on or after YYYY-MM-DD.")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _train(self, *, extra, out, author, no_draft, **_) -> None:
        for path in extra:
            if not Path(path).is_file():
                raise CommandError(f"No such file: {path}")
        validation = corpus.load_split("validation")
        self.stdout.write(f"Training, validating on {len(validation)} rows ...")
        run, trained_on = train_from_corpus([Path(p) for p in extra])
        model = run.model
        self.stdout.write(
            f"Model {model.version}: trained on {trained_on} rows, C={run.chosen_c},"
            f" threshold {model.threshold:.4f}, set-aside floor {model.set_aside_below:.4f},"
            f" {model.vocabulary_size} terms"
        )
        artifact = model.to_bytes()
        if out:
            Path(out).write_bytes(artifact)
            self.stdout.write(f"Artifact written to {out} ({len(artifact) / 1e6:.1f} MB)")
        if not no_draft:
            user = None
            if author:
                user = get_user_model().objects.filter(username=author).first()
                if user is None:
                    raise CommandError(f"No user {author!r}.")
            record = crisis_model_create_draft(
                artifact=artifact, author=user, note=f"trained on {trained_on} rows"
            )
            self.stdout.write(f"Stored as draft {record.label} ({record.version}).")
        report = evaluate_rows(validation, model)
        self.stdout.write("Validation split (calibration and threshold were set on it):")
        self.stdout.write(format_report(report))

    def _evaluate(self, *, file, model, **_) -> None:
        chosen = self._model(model)
        try:
            rows = engine.load_cases(file)
            report = evaluate_rows(rows, chosen)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Could not evaluate {file}: {exc}") from exc
        self.stdout.write(f"Crisis model {chosen.version} (threshold {chosen.threshold:.4f})")
        self.stdout.write(f"{file}: {report['n']} messages\n")
        self.stdout.write(format_report(report))
        keys = ("n", "sensitivity", "specificity", "ppv", "npv", "auc", "ece")
        summary = {k: report[k] for k in keys}
        summary["model_version"] = chosen.version
        summary["by_language"] = {
            lang: {k: f[k] for k in keys} for lang, f in report["by_language"].items()
        }
        for part in ("lexicon", "model"):
            summary[part] = {k: report[part][k] for k in keys if k in report[part]}
        self.stdout.write(json.dumps(summary, sort_keys=True))

    def _export_labels(self, *, out, since, **_) -> None:
        count = export_labels(out=Path(out), since=since)
        self.stdout.write(f"{count} labelled rows, de-identified and encrypted, in {out}")

    def _model(self, path: str | None) -> engine.CrisisModel:
        if path:
            try:
                return engine.CrisisModel.from_bytes(Path(path).read_bytes())
            except (OSError, engine.CrisisModelError) as exc:
                raise CommandError(f"Could not load {path}: {exc}") from exc
        _, model = active.active_model()
        if model is None:
            raise CommandError(f"The crisis model cannot be loaded: {active.health()['error']}")
        return model
